using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PayTrust.Testing.GatewayStandIns;

/// <summary>One request a stand-in received, as it arrived.</summary>
public sealed record ReceivedRequest(string Method, string PathAndQuery, string? Authorization, string? ContentType, string? Accept, string Body, bool IsCreation);

/// <summary>
/// An in-process Kestrel server on 127.0.0.1 and a free port that speaks one gateway's protocol. It records every
/// request (thread-safe) and lets a test script the next answers: an error, a delay, malformed JSON, or a gate
/// that holds creations until the test releases it.
/// </summary>
public abstract class GatewayStandIn : IAsyncDisposable
{
    private readonly ConcurrentQueue<Func<HttpContext, Task<bool>>> script = new();
    private readonly ConcurrentQueue<ReceivedRequest> received = new();
    private readonly ConcurrentDictionary<string, string> accounts = new(StringComparer.Ordinal);
    private WebApplication? app;
    private TaskCompletionSource? gate;
    private int creations;
    private long lateAnswer;

    protected GatewayStandIn(string acceptedKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(acceptedKey);
        AcceptedKey = acceptedKey;
        AcceptKey(acceptedKey);
    }

    /// <summary>The key whose Basic credentials ("key:") the stand-in accepts first.</summary>
    public string AcceptedKey { get; }

    /// <summary>
    /// Accepts another merchant account's key as well. Each account sees only what was created with its own key, as at the
    /// real gateways: a session created with one key is not found with another.
    /// </summary>
    public void AcceptKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        accounts[BasicAuthorization(key)] = key;
    }

    /// <summary>http://127.0.0.1:{port}, without a trailing slash.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Every request, in arrival order.</summary>
    public IReadOnlyList<ReceivedRequest> Requests => received.ToArray();

    /// <summary>Creation calls received (counted on arrival, before any gate, check or scripted answer).</summary>
    public int CreationCount => Volatile.Read(ref creations);

    public IReadOnlyList<string> CreationBodies => received.Where(request => request.IsCreation).Select(request => request.Body).ToArray();

    public IReadOnlyList<string?> AuthorizationHeaders => received.Select(request => request.Authorization).ToArray();

    /// <summary>The Basic header value a correct client sends for <paramref name="key"/>.</summary>
    public static string BasicAuthorization(string key) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":"));

    /// <summary>The next request (of any kind) is answered with this status and raw body.</summary>
    public void RespondNext(int status, string body) => script.Enqueue(async context =>
    {
        await WriteRawAsync(context, status, body);
        return true;
    });

    /// <summary>The next request is answered 200 with a body that is not JSON.</summary>
    public void RespondNextWithMalformedJson() => RespondNext(200, "{\"id\": \"unterminated");

    /// <summary>The next request waits this long before it is handled normally (longer than the client's timeout forces one).</summary>
    public void DelayNext(TimeSpan delay) => script.Enqueue(async context =>
    {
        await Task.Delay(delay, context.RequestAborted);
        return false;
    });

    /// <summary>
    /// The next creation is carried out at once but answered only after <paramref name="delay"/>: longer than the client's
    /// timeout, it makes a session that exists at the gateway although the client never heard of it.
    /// </summary>
    public void CreateButAnswerLate(TimeSpan delay) => Interlocked.Exchange(ref lateAnswer, delay.Ticks);

    /// <summary>From now on, creation calls are counted and then held until <see cref="ReleaseCreations"/>.</summary>
    public void HoldCreations() => Interlocked.Exchange(ref gate, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Lets every held creation (and later ones) through.</summary>
    public void ReleaseCreations() => Interlocked.Exchange(ref gate, null)?.TrySetResult();

    /// <summary>Waits until at least <paramref name="count"/> creation calls have arrived.</summary>
    public async Task WaitForCreationsAsync(int count, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        while (CreationCount < count)
        {
            await Task.Delay(10, cancellation.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseCreations();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    protected async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    /// <summary>True for the calls that create a checkout (what the gate holds and the count counts).</summary>
    protected abstract bool IsCreation(HttpRequest request);

    /// <summary>The gateway's own behaviour for a request that no script intercepted.</summary>
    protected abstract Task HandleAsync(HttpContext context, string body);

    protected bool IsAuthorized(HttpRequest request) => KeyOf(request) is not null;

    /// <summary>The accepted key the request's Basic credentials carry, or null.</summary>
    protected string? KeyOf(HttpRequest request) => accounts.GetValueOrDefault(request.Headers.Authorization.ToString());

    protected static async Task WriteJsonAsync(HttpContext context, int status, object body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(body));
    }

    private static async Task WriteRawAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var request = context.Request;
        var isCreation = IsCreation(request);
        received.Enqueue(new ReceivedRequest(
            request.Method, request.Path + request.QueryString, request.Headers.Authorization.FirstOrDefault(),
            request.ContentType, request.Headers.Accept.FirstOrDefault(), body, isCreation));
        try
        {
            if (isCreation)
            {
                Interlocked.Increment(ref creations);
                if (Volatile.Read(ref gate) is { } held)
                {
                    await held.Task.WaitAsync(context.RequestAborted);
                }
            }

            // One scripted step per request, so "next" means the next request.
            if (script.TryDequeue(out var step) && await step(context))
            {
                return;
            }

            if (isCreation && Interlocked.Exchange(ref lateAnswer, 0) is var late and > 0)
            {
                var answer = context.Response.Body;
                context.Response.Body = new MemoryStream();
                await HandleAsync(context, body);
                await Task.Delay(TimeSpan.FromTicks(late), context.RequestAborted);
                context.Response.Body.Position = 0;
                await context.Response.Body.CopyToAsync(answer, context.RequestAborted);
                return;
            }

            await HandleAsync(context, body);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (its timeout): nothing left to answer.
        }
    }
}
