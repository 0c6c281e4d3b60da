using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using PayTrust.Api.Security;
using PayTrust.Application.Features.Reports;

namespace PayTrust.Api.Endpoints;

/// <summary>Reports for finance (spec §12): the same numbers as JSON or, on request, as CSV.</summary>
public static class ReportEndpoints
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/reports/financial", async (
                HttpContext http,
                IMediator mediator,
                CancellationToken cancellationToken,
                [FromQuery(Name = "start_date")] string? startDate,
                [FromQuery(Name = "end_date")] string? endDate,
                [FromQuery(Name = "currency_code")] string? currencyCode,
                [FromQuery] string? gateway,
                [FromQuery] string? format) =>
            {
                var report = await mediator.Send(new GetFinancialReport(startDate, endDate, currencyCode, gateway, format), cancellationToken);
                http.Response.Headers.Vary = HeaderNames.Accept;
                return WantsCsv(format, http.Request.Headers.Accept)
                    ? Results.Text(FinancialReportCsv.Write(report), FinancialReportCsv.ContentType, System.Text.Encoding.UTF8)
                    : Results.Ok(report);
            })
            .WithTags("Reports")
            .WithName("GetFinancialReport")
            .WithSummary("Fully paid invoices and cash collected in [start_date, end_date), per currency; JSON, or CSV with Accept: text/csv or format=csv.")
            .Produces<FinancialReport>(StatusCodes.Status200OK, "application/json")
            .Produces<string>(StatusCodes.Status200OK, FinancialReportCsv.ContentType)
            .RequireAuthorization(Policies.Tenant);

    /// <summary>format= wins; otherwise CSV when Accept ranks text/csv at least as high as JSON (*/* and no header mean JSON).</summary>
    private static bool WantsCsv(string? format, Microsoft.Extensions.Primitives.StringValues accept)
    {
        if (format is not null)
        {
            return format == GetFinancialReport.Csv;
        }

        if (!MediaTypeHeaderValue.TryParseList(accept, out var ranges))
        {
            return false;
        }

        double Quality(string mediaType) => ranges
            .Where(range => range.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase))
            .Select(range => range.Quality ?? 1)
            .DefaultIfEmpty(0)
            .Max();

        var csv = Quality(FinancialReportCsv.ContentType);
        return csv > 0 && csv >= Quality("application/json");
    }
}
