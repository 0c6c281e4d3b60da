using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Features.Credentials;
using PayTrust.Infrastructure.Security;

namespace PayTrust.Application.Tests;

public class CredentialProtectionTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("""{"secret_key":"xnd_development_abc"}""");
    private static readonly byte[] RowA = Encoding.UTF8.GetBytes("tenant-a:xendit");

    [Fact]
    public void A_protected_secret_round_trips_and_is_not_readable_at_rest()
    {
        var protector = new AesGcmCredentialProtector(Key);

        var blob = protector.Protect(Secret, RowA);

        Assert.Equal(Secret, protector.Unprotect(blob, RowA));
        Assert.DoesNotContain("xnd_development", Encoding.UTF8.GetString(blob), StringComparison.Ordinal);
        Assert.NotEqual(blob, protector.Protect(Secret, RowA)); // a fresh nonce each time
    }

    [Fact]
    public void A_blob_moved_to_another_tenants_row_a_flipped_bit_or_another_key_does_not_decrypt()
    {
        var protector = new AesGcmCredentialProtector(Key);
        var blob = protector.Protect(Secret, RowA);
        var flipped = (byte[])blob.Clone();
        flipped[^1] ^= 0x01;

        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(blob, Encoding.UTF8.GetBytes("tenant-b:xendit")));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(flipped, RowA));
        Assert.ThrowsAny<CryptographicException>(() => new AesGcmCredentialProtector(RandomNumberGenerator.GetBytes(32)).Unprotect(blob, RowA));
    }

    [Theory]
    [InlineData(null, false, "is not set")]
    [InlineData("", false, "is not set")]
    [InlineData("dG9vLXNob3J0", false, "must be 32 bytes in base64")]
    [InlineData("not base64 at all!", true, "must be 32 bytes in base64")]
    public void A_missing_or_malformed_key_is_refused_outside_development(string? configured, bool development, string reason)
    {
        Assert.Contains(reason, CredentialsKey.Problem(configured, development), StringComparison.Ordinal);
    }

    [Fact]
    public void Development_without_a_key_uses_a_fixed_development_key_and_a_good_key_is_accepted()
    {
        var development = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["environment"] = "Development" }).Build();

        Assert.Null(CredentialsKey.Problem(null, isDevelopment: true));
        Assert.Null(CredentialsKey.Problem(Convert.ToBase64String(Key), isDevelopment: false));
        var protector = CredentialsKey.CreateProtector(development);
        Assert.Equal(Secret, protector.Unprotect(protector.Protect(Secret, RowA), RowA));
    }

    [Fact]
    public void Credentials_print_without_their_secrets()
    {
        var credentials = new GatewayCredentials("xendit", "sandbox", "xnd_secret_value", "callback_value", null, NodaTime.Instant.FromUtc(2026, 11, 24, 0, 0));
        var command = new SetGatewayCredentials("midtrans", "sandbox", null, null, "server_key_value");

        Assert.DoesNotContain("xnd_secret_value", credentials.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("callback_value", credentials.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("server_key_value", command.ToString(), StringComparison.Ordinal);
        Assert.Contains("midtrans", command.ToString(), StringComparison.Ordinal);
    }
}
