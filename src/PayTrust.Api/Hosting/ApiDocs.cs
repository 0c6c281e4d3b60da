using Scalar.AspNetCore;

namespace PayTrust.Api.Hosting;

public static class ApiDocs
{
    /// <summary>The OpenAPI document at /openapi/v1.json and Scalar's reference at /docs (assets served by us, so it works offline).</summary>
    public static void MapPayTrustApiDocs(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/docs", options => options.WithTitle("PayTrust API"));
    }
}
