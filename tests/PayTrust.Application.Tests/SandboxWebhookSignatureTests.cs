using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using NodaTime;
using PayTrust.Application.Features.Sandbox;

namespace PayTrust.Application.Tests;

/// <summary>
/// The sandbox webhook signature (spec §7.3): <c>PayTrust-Signature: t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256(secret, "{t}.{raw body}")&gt;</c>,
/// 300 s tolerance. Pure computation: no database.
/// </summary>
public partial class SandboxWebhookSignatureTests
{
    private const string Secret = "whsec_sandbox_3f9a";
    private const long Seconds = 1_795_000_000; // 2026-11-18T11:06:40Z

    private static readonly Instant SignedAt = Instant.FromUnixTimeSeconds(Seconds);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"reference":"PT7KQ2MX9RC-001","status":"paid","amount":250000}""");

    [GeneratedRegex("^t=(?<t>[0-9]+),v1=(?<v1>[0-9a-f]{64})$")]
    private static partial Regex HeaderShape();

    /// <summary>The MAC computed here, independently of the production code, straight from the spec's words.</summary>
    private static string ExpectedHex(string secret, long seconds, byte[] body)
    {
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        var message = Encoding.UTF8.GetBytes($"{seconds}.").Concat(body).ToArray();
        return Convert.ToHexStringLower(hmac.ComputeHash(message));
    }

    private static string Header(long seconds, params string[] v1) => $"t={seconds}," + string.Join(",", v1.Select(s => $"v1={s}"));

    private static string Signed() => SandboxWebhookSignature.Sign(Secret, SignedAt, Body);

    // ---- Sign ----

    [Fact]
    public void The_header_is_named_PayTrust_Signature_and_the_tolerance_is_300_seconds()
    {
        Assert.Equal("PayTrust-Signature", SandboxWebhookSignature.HeaderName);
        Assert.Equal(Duration.FromSeconds(300), SandboxWebhookSignature.Tolerance);
    }

    [Fact]
    public void Sign_gives_the_unix_time_and_the_lowercase_hex_hmac_of_time_dot_body()
    {
        var header = Signed();

        var match = HeaderShape().Match(header);
        Assert.True(match.Success, header);
        Assert.Equal(Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), match.Groups["t"].Value);
        Assert.Equal(ExpectedHex(Secret, Seconds, Body), match.Groups["v1"].Value);
    }

    [Fact]
    public void Sign_matches_a_vector_computed_outside_dotnet()
    {
        // printf '%s' '1795000000.{"reference":"PT7KQ2MX9RC-001","status":"paid","amount":250000}' | openssl dgst -sha256 -hmac 'whsec_sandbox_3f9a'
        Assert.Equal("t=1795000000,v1=10dd96abfdca680a28300de72ab204d412a67a632fdef50e9e63a8e9261b954a", Signed());
    }

    [Fact]
    public void Sign_uses_whole_seconds_of_the_timestamp()
    {
        var header = SandboxWebhookSignature.Sign(Secret, SignedAt + Duration.FromMilliseconds(999), Body);

        Assert.Equal(Signed(), header);
    }

    [Fact]
    public void Sign_covers_an_empty_body()
    {
        var header = SandboxWebhookSignature.Sign(Secret, SignedAt, []);

        Assert.Equal(Header(Seconds, ExpectedHex(Secret, Seconds, [])), header);
        Assert.True(SandboxWebhookSignature.Verify(Secret, header, [], SignedAt));
    }

    // ---- Verify: what is accepted ----

    [Fact]
    public void Verify_accepts_what_Sign_produced()
    {
        Assert.True(SandboxWebhookSignature.Verify(Secret, Signed(), Body, SignedAt));
    }

    [Fact]
    public void Verify_accepts_a_header_built_independently()
    {
        Assert.True(SandboxWebhookSignature.Verify(Secret, Header(Seconds, ExpectedHex(Secret, Seconds, Body)), Body, SignedAt));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(299)]
    [InlineData(300)]
    [InlineData(-1)]
    [InlineData(-299)]
    [InlineData(-300)]
    public void Verify_accepts_a_timestamp_up_to_exactly_300_seconds_old_or_ahead(int secondsLater)
    {
        Assert.True(SandboxWebhookSignature.Verify(Secret, Signed(), Body, SignedAt + Duration.FromSeconds(secondsLater)));
    }

    [Theory]
    [InlineData(301)]
    [InlineData(3600)]
    [InlineData(-301)]
    [InlineData(-3600)]
    public void Verify_refuses_a_timestamp_more_than_300_seconds_old_or_ahead(int secondsLater)
    {
        Assert.False(SandboxWebhookSignature.Verify(Secret, Signed(), Body, SignedAt + Duration.FromSeconds(secondsLater)));
    }

    [Fact]
    public void The_tolerance_boundary_is_exact_to_the_tick_on_both_sides()
    {
        var tick = Duration.FromTicks(1);
        var tolerance = SandboxWebhookSignature.Tolerance;

        Assert.True(SandboxWebhookSignature.Verify(Secret, Signed(), Body, SignedAt + tolerance));
        Assert.False(SandboxWebhookSignature.Verify(Secret, Signed(), Body, SignedAt + tolerance + tick));
        Assert.True(SandboxWebhookSignature.Verify(Secret, Signed(), Body, SignedAt - tolerance));
        Assert.False(SandboxWebhookSignature.Verify(Secret, Signed(), Body, SignedAt - tolerance - tick));
    }

    [Fact]
    public void Verify_accepts_several_v1_values_when_one_of_them_matches_wherever_it_stands()
    {
        var right = ExpectedHex(Secret, Seconds, Body);
        var wrong = ExpectedHex("an old secret", Seconds, Body);

        Assert.True(SandboxWebhookSignature.Verify(Secret, Header(Seconds, wrong, right), Body, SignedAt));
        Assert.True(SandboxWebhookSignature.Verify(Secret, Header(Seconds, right, wrong), Body, SignedAt));
        Assert.True(SandboxWebhookSignature.Verify(Secret, Header(Seconds, wrong, new string('0', 64), right), Body, SignedAt));
        Assert.False(SandboxWebhookSignature.Verify(Secret, Header(Seconds, wrong, new string('0', 64)), Body, SignedAt));
    }

    [Fact]
    public void Verify_accepts_spaces_after_the_commas()
    {
        // The parser trims each comma-separated entry, so "t=…, v1=…" (as some HTTP stacks fold it) passes.
        var v1 = ExpectedHex(Secret, Seconds, Body);

        Assert.True(SandboxWebhookSignature.Verify(Secret, $"t={Seconds}, v1={v1}", Body, SignedAt));
        Assert.True(SandboxWebhookSignature.Verify(Secret, $" t={Seconds} ,  v1={v1} ", Body, SignedAt));
    }

    [Fact]
    public void Verify_refuses_spaces_around_the_equals_sign()
    {
        var v1 = ExpectedHex(Secret, Seconds, Body);

        Assert.False(SandboxWebhookSignature.Verify(Secret, $"t ={Seconds},v1={v1}", Body, SignedAt));
        Assert.False(SandboxWebhookSignature.Verify(Secret, $"t={Seconds},v1 = {v1}", Body, SignedAt));
    }

    [Fact]
    public void Verify_ignores_other_schemes_beside_a_matching_v1()
    {
        var v1 = ExpectedHex(Secret, Seconds, Body);

        Assert.True(SandboxWebhookSignature.Verify(Secret, $"t={Seconds},v0=abc,v1={v1}", Body, SignedAt));
        Assert.False(SandboxWebhookSignature.Verify(Secret, $"t={Seconds},v0={v1}", Body, SignedAt));
    }

    [Fact]
    public void Verify_accepts_the_entries_in_either_order()
    {
        var v1 = ExpectedHex(Secret, Seconds, Body);

        Assert.True(SandboxWebhookSignature.Verify(Secret, $"v1={v1},t={Seconds}", Body, SignedAt));
    }

    [Fact]
    public void Verify_accepts_the_matching_mac_in_uppercase_hex()
    {
        // Lenient on case (hex digits either way); Sign itself always writes lowercase.
        var v1 = ExpectedHex(Secret, Seconds, Body).ToUpperInvariant();

        Assert.True(SandboxWebhookSignature.Verify(Secret, Header(Seconds, v1), Body, SignedAt));
    }

    // ---- Verify: what is refused ----

    [Fact]
    public void Verify_refuses_a_body_with_one_byte_changed_added_or_removed()
    {
        var header = Signed();
        for (var i = 0; i < Body.Length; i++)
        {
            var changed = Body.ToArray();
            changed[i] ^= 0x01;
            Assert.False(SandboxWebhookSignature.Verify(Secret, header, changed, SignedAt), $"byte {i} changed");
        }

        Assert.False(SandboxWebhookSignature.Verify(Secret, header, [.. Body, (byte)' '], SignedAt));
        Assert.False(SandboxWebhookSignature.Verify(Secret, header, Body.AsSpan(..^1), SignedAt));
        Assert.False(SandboxWebhookSignature.Verify(Secret, header, [], SignedAt));
    }

    [Theory]
    [InlineData("whsec_sandbox_3f9b")]
    [InlineData("WHSEC_SANDBOX_3F9A")]
    [InlineData("whsec_sandbox_3f9a ")]
    [InlineData("")]
    public void Verify_refuses_a_different_secret(string secret)
    {
        Assert.False(SandboxWebhookSignature.Verify(secret, Signed(), Body, SignedAt));
    }

    [Fact]
    public void Verify_refuses_a_signature_moved_to_another_timestamp()
    {
        // The timestamp is signed: a replay cannot be freshened by rewriting t.
        var v1 = ExpectedHex(Secret, Seconds, Body);
        var later = Seconds + 600;

        Assert.False(SandboxWebhookSignature.Verify(Secret, Header(later, v1), Body, Instant.FromUnixTimeSeconds(later)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public void Verify_refuses_a_missing_header(string? header)
    {
        Assert.False(SandboxWebhookSignature.Verify(Secret, header, Body, SignedAt));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("t")]
    [InlineData(",")]
    [InlineData("=")]
    [InlineData("=1795000000")]
    [InlineData("sha256=10dd96abfdca680a28300de72ab204d412a67a632fdef50e9e63a8e9261b954a")]
    [InlineData("10dd96abfdca680a28300de72ab204d412a67a632fdef50e9e63a8e9261b954a")]
    [InlineData("t=1795000000;v1=10dd96abfdca680a28300de72ab204d412a67a632fdef50e9e63a8e9261b954a")]
    [InlineData("t=1795000000,v1=10dd96abfdca680a28300de72ab204d412a67a632fdef50e9e63a8e9261b954a,")]
    [InlineData(",t=1795000000,v1=10dd96abfdca680a28300de72ab204d412a67a632fdef50e9e63a8e9261b954a")]
    [InlineData("t=1795000000,,v1=10dd96abfdca680a28300de72ab204d412a67a632fdef50e9e63a8e9261b954a")]
    [InlineData("t=1795000000,garbage,v1=10dd96abfdca680a28300de72ab204d412a67a632fdef50e9e63a8e9261b954a")]
    public void Verify_refuses_a_garbled_header(string header)
    {
        // The last few carry the right MAC: one malformed entry spoils the whole header.
        Assert.False(SandboxWebhookSignature.Verify(Secret, header, Body, SignedAt));
    }

    [Theory]
    [InlineData("t=1795000000")]
    [InlineData("t=1795000000,v1=")]
    [InlineData("t=1795000000,v2=10dd96abfdca680a28300de72ab204d412a67a632fdef50e9e63a8e9261b954a")]
    [InlineData("t=1795000000,V1=10dd96abfdca680a28300de72ab204d412a67a632fdef50e9e63a8e9261b954a")]
    public void Verify_refuses_a_header_without_a_v1_signature(string header)
    {
        Assert.False(SandboxWebhookSignature.Verify(Secret, header, Body, SignedAt));
    }

    [Theory]
    [InlineData("10dd96abfdca680a28300de72ab204d412a67a632fdef50e9e63a8e9261b954g")] // 'g' is not hex
    [InlineData("10dd96abfdca680a28300de72ab204d412a67a632fdef50e9e63a8e9261b954")] // 63 digits
    [InlineData("10dd96abfdca680a28300de72ab204d412a67a632fdef50e9e63a8e9261b954a0")] // 65 digits
    [InlineData("10dd96abfdca680a28300de72ab204d412a67a632fdef50e9e63a8e9261b95")] // 62 digits: a prefix of the right MAC
    [InlineData("EN2Wq/3KaAooMA3nKrIE1BKmemMv3vUOnmOo6SYblUo=")] // the right MAC in base64
    [InlineData("0x10dd96abfdca680a28300de72ab204d412a67a632fdef50e9e63a8e9261b954a")]
    public void Verify_refuses_a_v1_that_is_not_64_hex_digits(string v1)
    {
        Assert.False(SandboxWebhookSignature.Verify(Secret, Header(Seconds, v1), Body, SignedAt));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("-1795000000")]
    [InlineData("+1795000000")]
    [InlineData("1795000000.0")]
    [InlineData("1 795 000 000")]
    [InlineData("99999999999999999999999")] // beyond a long
    [InlineData("9223372036854775807")] // a long, beyond any instant
    [InlineData("0")] // a valid timestamp, but decades old
    public void Verify_refuses_a_timestamp_that_is_not_a_plain_recent_unix_time(string t)
    {
        var v1 = ExpectedHex(Secret, Seconds, Body);

        Assert.False(SandboxWebhookSignature.Verify(Secret, $"t={t},v1={v1}", Body, SignedAt));
    }

    [Fact]
    public void Verify_refuses_a_header_without_a_timestamp()
    {
        Assert.False(SandboxWebhookSignature.Verify(Secret, $"v1={ExpectedHex(Secret, Seconds, Body)}", Body, SignedAt));
    }

    // ---- Property ----

    [Fact]
    public void Any_signed_body_verifies_within_the_tolerance_and_no_longer_once_any_single_byte_changes()
    {
        var timestamps = Gen.Long[0, 4_102_444_800L * NodaConstants.TicksPerSecond].Select(Instant.FromUnixTimeTicks);
        Gen.Select(Gen.Byte.Array[0, 300], Gen.OneOf(Gen.String, Gen.String.AlphaNumeric), timestamps, Gen.Long[-300, 300], Gen.Byte[1, 255])
            .Sample((body, secret, signedAt, skewSeconds, mask) =>
            {
                var header = SandboxWebhookSignature.Sign(secret, signedAt, body);
                var seconds = signedAt.ToUnixTimeSeconds();
                var wholeSecond = Instant.FromUnixTimeSeconds(seconds);

                Assert.Equal(Header(seconds, ExpectedHex(secret, seconds, body)), header);
                Assert.True(SandboxWebhookSignature.Verify(secret, header, body, wholeSecond + Duration.FromSeconds(skewSeconds)));
                Assert.True(SandboxWebhookSignature.Verify(secret, header, body, signedAt));

                for (var i = 0; i < body.Length; i++)
                {
                    var changed = body.ToArray();
                    changed[i] ^= mask;
                    Assert.False(SandboxWebhookSignature.Verify(secret, header, changed, signedAt), $"byte {i} ^ {mask}");
                }
            });
    }
}
