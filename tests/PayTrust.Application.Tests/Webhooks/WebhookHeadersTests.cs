using PayTrust.Application.Abstractions;
using PayTrust.Application.Features.Sandbox;

namespace PayTrust.Application.Tests.Webhooks;

public sealed class WebhookHeadersTests
{
    [Fact]
    public void Headers_are_found_whatever_their_case()
    {
        var headers = WebhookHeaders.Of(("X-Callback-Token", "t"), ("webhook-id", "w"));

        Assert.Equal("t", headers.Find("x-callback-token"));
        Assert.Equal("t", headers.Find("X-CALLBACK-TOKEN"));
        Assert.Equal("w", headers.Find("Webhook-Id"));
        Assert.Null(headers.Find("PayTrust-Signature"));
        Assert.Null(WebhookHeaders.None.Find("x-callback-token"));
    }

    [Fact]
    public void A_header_given_twice_keeps_both_values()
    {
        var headers = new WebhookHeaders([new("Accept", "a"), new("ACCEPT", "b"), new("Skipped", null)]);

        Assert.Equal("a, b", headers.Find("accept"));
        Assert.Null(headers.Find("Skipped"));
    }

    [Fact]
    public void Tokens_signatures_and_authorization_are_never_among_the_headers_to_store()
    {
        var headers = WebhookHeaders.Of(
            ("x-callback-token", "secret"), ("X-CALLBACK-TOKEN", "secret"), ("PayTrust-Signature", "t=1,v1=ab"), ("paytrust-signature", "x"),
            ("Authorization", "Basic abc"), ("proxy-authorization", "x"), ("Cookie", "c"),
            ("webhook-id", "whk_1"), ("Content-Type", "application/json"), ("User-Agent", "Veritrans"));

        Assert.Equal(["Content-Type", "User-Agent", "webhook-id"], headers.Storable.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("whk_1", headers.Storable["Webhook-ID"]);
        Assert.Equal("secret, secret", headers.Find("x-callback-token"));
    }

    [Fact]
    public void The_header_names_are_the_ones_the_protocols_use()
    {
        Assert.Equal(SandboxWebhookSignature.HeaderName, WebhookHeaderNames.PayTrustSignature);
        Assert.True(WebhookHeaderNames.IsSecret(SandboxWebhookSignature.HeaderName));
        Assert.True(WebhookHeaderNames.IsSecret("X-Callback-Token"));
        Assert.False(WebhookHeaderNames.IsSecret(WebhookHeaderNames.XenditWebhookId));
    }
}
