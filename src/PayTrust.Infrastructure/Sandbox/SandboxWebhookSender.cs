using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Features.Sandbox;

namespace PayTrust.Infrastructure.Sandbox;

/// <summary>Posts the sandbox's webhooks with the raw body it signed; a network failure is an answer (null), not an exception.</summary>
internal sealed class SandboxWebhookSender(IHttpClientFactory httpClients, ILogger<SandboxWebhookSender> logger) : ISandboxWebhookSender
{
    public const string ClientName = "sandbox-webhooks";

    public async Task<int?> SendAsync(string url, byte[] body, string signature, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(SandboxWebhookSignature.HeaderName, signature);
        try
        {
            using var response = await httpClients.CreateClient(ClientName).SendAsync(request, cancellationToken);
            return (int)response.StatusCode;
        }
        catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Sandbox webhook to {Url} could not be delivered: {Reason}", url, failure.GetType().Name);
            return null;
        }
    }
}
