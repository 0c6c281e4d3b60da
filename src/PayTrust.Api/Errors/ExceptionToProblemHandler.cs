using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Errors;

namespace PayTrust.Api.Errors;

/// <summary>
/// The one place exceptions become HTTP: PayTrust refusals by their kind, validation failures with
/// per-field errors, unbindable bodies as 400, an unreachable database as 503, and anything else as a
/// bare 500 — never a stack trace or SQL.
/// </summary>
internal sealed partial class ExceptionToProblemHandler(
    IProblemDetailsService problemDetails, IDatabaseErrors databaseErrors, ILogger<ExceptionToProblemHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = ToProblem(exception);
        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private ProblemDetails ToProblem(Exception exception)
    {
        switch (exception)
        {
            case ValidationException validation:
                var problem = Problem(StatusCodes.Status400BadRequest, StableCode(validation), "Validation failed", FirstMessage(validation));
                problem.Extensions["errors"] = ValidationErrors.ToSnakeCaseFields(validation.Errors);
                return problem;

            case GatewayFailureException gatewayFailure:
                var gatewayProblem = Problem(StatusOf(gatewayFailure.Kind), gatewayFailure.Code, TitleOf(gatewayFailure.Kind), gatewayFailure.Message);
                gatewayProblem.Extensions["gateway"] = gatewayFailure.Gateway;
                gatewayProblem.Extensions["failure_code"] = gatewayFailure.FailureCode;
                return gatewayProblem;

            case PayTrustException refusal:
                return Problem(StatusOf(refusal.Kind), refusal.Code, TitleOf(refusal.Kind), refusal.Message);

            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                return Problem(StatusCodes.Status413PayloadTooLarge, "payload_too_large", "Payload too large", "The request body is larger than this endpoint accepts.");

            case BadHttpRequestException badRequest when FindJsonError(badRequest) is { } jsonError:
                return Problem(StatusCodes.Status400BadRequest, "malformed_json", "Malformed JSON", JsonErrorDetail(jsonError));

            case BadHttpRequestException badRequest:
                return Problem(StatusCodes.Status400BadRequest, "invalid_request", "Invalid request", badRequest.Message);
        }

        if (databaseErrors.Classify(exception) == DatabaseError.Unavailable)
        {
            logger.LogError(exception, "Database unavailable while handling the request");
            return Problem(StatusCodes.Status503ServiceUnavailable, "database_unavailable", "Service unavailable", "The database is unavailable; retry later.");
        }

        logger.LogError(exception, "Unhandled exception");
        return Problem(StatusCodes.Status500InternalServerError, "internal_error", "Internal error", "An unexpected error occurred; quote the trace_id when reporting it.");
    }

    private static ProblemDetails Problem(int status, string code, string title, string detail)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        problem.Extensions["code"] = code;
        return problem;
    }

    private static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidInput => StatusCodes.Status400BadRequest,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.BusinessRule => StatusCodes.Status422UnprocessableEntity,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        ErrorKind.Unauthenticated => StatusCodes.Status401Unauthorized,
        ErrorKind.Gateway => StatusCodes.Status502BadGateway,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static string TitleOf(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidInput => "Invalid request",
        ErrorKind.NotFound => "Not found",
        ErrorKind.Conflict => "Conflict",
        ErrorKind.BusinessRule => "Request refused",
        ErrorKind.Unavailable => "Service unavailable",
        ErrorKind.Unauthenticated => "Unauthorized",
        ErrorKind.Gateway => "Gateway error",
        _ => "Error",
    };

    // A rule may name the spec's code (invalid_currency, invalid_tax_rate…); FluentValidation's own codes
    // ("NotEmptyValidator") are not ours and fall back to validation_failed.
    private static string StableCode(ValidationException validation) =>
        validation.Errors.FirstOrDefault()?.ErrorCode is { } code && StableCodePattern().IsMatch(code) ? code : "validation_failed";

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial System.Text.RegularExpressions.Regex StableCodePattern();

    private static string FirstMessage(ValidationException validation) =>
        validation.Errors.FirstOrDefault()?.ErrorMessage ?? "The request is not valid.";

    private static JsonException? FindJsonError(Exception exception)
    {
        for (var current = exception.InnerException; current is not null; current = current.InnerException)
        {
            if (current is JsonException json)
            {
                return json;
            }
        }

        return null;
    }

    // JsonException messages name the JSON path and position, which helps the client and reveals nothing of ours.
    private static string JsonErrorDetail(JsonException error) =>
        error.Path is { Length: > 0 } path
            ? $"The request body is not valid JSON for this endpoint (at {path}, line {error.LineNumber + 1}, byte {error.BytePositionInLine + 1})."
            : "The request body is not valid JSON for this endpoint.";
}
