using Microsoft.AspNetCore.Mvc;

namespace PayTrust.Api.Errors;

/// <summary>For the few places outside the exception handler that answer with a problem (auth challenges, rate limiting).</summary>
internal static class ProblemResponses
{
    public static async Task WriteAsync(HttpContext context, int status, string code, string title, string detail)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        problem.Extensions["code"] = code;
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}
