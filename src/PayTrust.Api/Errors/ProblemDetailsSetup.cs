using System.Diagnostics;

namespace PayTrust.Api.Errors;

public static class ProblemDetailsSetup
{
    /// <summary>Codes for responses the framework produces itself (unknown route, wrong method, …).</summary>
    private static readonly Dictionary<int, string> CodesByStatus = new()
    {
        [StatusCodes.Status400BadRequest] = "bad_request",
        [StatusCodes.Status401Unauthorized] = "unauthorized",
        [StatusCodes.Status403Forbidden] = "forbidden",
        [StatusCodes.Status404NotFound] = "not_found",
        [StatusCodes.Status405MethodNotAllowed] = "method_not_allowed",
        [StatusCodes.Status406NotAcceptable] = "not_acceptable",
        [StatusCodes.Status409Conflict] = "conflict",
        [StatusCodes.Status413PayloadTooLarge] = "payload_too_large",
        [StatusCodes.Status415UnsupportedMediaType] = "unsupported_media_type",
        [StatusCodes.Status422UnprocessableEntity] = "unprocessable",
        [StatusCodes.Status429TooManyRequests] = "rate_limited",
        [StatusCodes.Status500InternalServerError] = "internal_error",
        [StatusCodes.Status503ServiceUnavailable] = "service_unavailable",
    };

    /// <summary>Every problem carries <c>code</c>, <c>trace_id</c> and <c>instance</c>, whoever produced it.</summary>
    public static IServiceCollection AddPayTrustProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            problem.Instance ??= context.HttpContext.Request.Path;
            problem.Extensions.TryAdd("code", CodesByStatus.GetValueOrDefault(status, "error"));
            problem.Extensions["trace_id"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
            // The framework adds "traceId"; we publish one snake_case spelling only.
            problem.Extensions.Remove("traceId");
        });
        services.AddExceptionHandler<ExceptionToProblemHandler>();
        return services;
    }

    public static void UsePayTrustErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
    }
}
