using System.Security.Cryptography;
using System.Text;
using PayTrust.Api.Errors;
using PayTrust.Application.Abstractions;

namespace PayTrust.Api.Security;

/// <summary>
/// Reads <c>Idempotency-Key</c> on mutating, authenticated requests and hands it to the pipeline with a
/// fingerprint of method, path and body; marks replayed responses with <c>Idempotent-Replayed: true</c>.
/// The decision itself is the pipeline's (IdempotencyBehavior), so every command gets it the same way.
/// </summary>
public static class IdempotencyKeys
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxLength = 255;

    public static void UsePayTrustIdempotencyKeys(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var key = context.Request.Headers[HeaderName];
        if (key.Count == 0 || !IsMutating(context.Request.Method) || ScopeOf(context) is not { } scope)
        {
            await next(context);
            return;
        }

        if (key.Count > 1 || string.IsNullOrEmpty(key[0]) || key[0]!.Length > MaxLength)
        {
            await ProblemResponses.WriteAsync(context, StatusCodes.Status400BadRequest, "invalid_idempotency_key", "Invalid request",
                $"Idempotency-Key must be one value of 1 to {MaxLength} characters.");
            return;
        }

        var request = context.RequestServices.GetRequiredService<IdempotencyRequest>();
        request.Set(scope, key[0]!, await FingerprintAsync(context.Request));
        context.Response.OnStarting(() =>
        {
            if (request.Replayed)
            {
                context.Response.Headers["Idempotent-Replayed"] = "true";
            }

            return Task.CompletedTask;
        });
        await next(context);
    });

    private static bool IsMutating(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    private static string? ScopeOf(HttpContext context) =>
        context.User.FindFirst(PayTrustClaims.TenantId)?.Value
        ?? (context.User.HasClaim(c => c.Type == PayTrustClaims.Admin) ? "admin" : null);

    private static async Task<byte[]> FingerprintAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method}\n{request.Path}{request.QueryString}\n"));
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        request.Body.Position = 0;
        return hash.GetHashAndReset();
    }
}
