using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;

namespace PayTrust.Api.Pages;

/// <summary>
/// The few pages customers see (payment links, the sandbox checkout): plain server-rendered HTML with
/// one inline style sheet (allowed by its hash), no script and nothing loaded from elsewhere. Every value is HTML-encoded.
/// </summary>
internal static class HtmlPage
{
    private const string Style = """
        body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f4f5f7;color:#1d2433;margin:0}
        main{max-width:32rem;margin:3rem auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
        h1{font-size:1.4rem;margin-top:0}dl{display:grid;grid-template-columns:auto 1fr;gap:.4rem 1rem}dt{color:#5b6478}dd{margin:0}
        form{margin:.75rem 0}button{font-size:1rem;padding:.55rem 1rem;border-radius:6px;border:1px solid #2f5bd3;background:#2f5bd3;color:#fff;cursor:pointer}
        button.secondary{background:#fff;color:#2f5bd3}input{font-size:1rem;padding:.45rem;width:12rem}.note{color:#5b6478;font-size:.9rem}
        """;

    /// <summary>
    /// What every hosted page response sends (spec §13), the payment link's redirect included: never framed (no
    /// clickjacking of a Pay button), nothing loaded or run but the page's own inline style, forms posted back to this
    /// service only, no Referer carrying a token to the next site, the content type taken as sent, nothing cached.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> SecurityHeaders = new Dictionary<string, string>
    {
        ["Content-Security-Policy"] =
            $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style)))}'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ["X-Frame-Options"] = "DENY",
        ["X-Content-Type-Options"] = "nosniff",
        ["Referrer-Policy"] = "no-referrer",
        ["Cache-Control"] = "no-store",
    };

    /// <summary>Sends <see cref="SecurityHeaders"/> on every response of the endpoints: pages, not-found pages and redirects.</summary>
    public static TBuilder WithHostedPageHeaders<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var headers = context.HttpContext.Response.Headers;
            foreach (var (name, value) in SecurityHeaders)
            {
                headers[name] = value;
            }

            return await next(context);
        });

    public static IResult Render(int statusCode, string title, string bodyHtml) =>
        Results.Content(
            $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{Encode(title)}</title><style>{Style}</style></head>
            <body><main>
            {bodyHtml}
            </main></body>
            </html>
            """,
            "text/html; charset=utf-8", Encoding.UTF8, statusCode);

    public static string Encode(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    /// <summary>An amount in minor units shown in major units: "IDR 150,000", "MYR 1,234.50".</summary>
    public static string Amount(long minor, string currencyCode, int exponent)
    {
        var divisor = 1m;
        for (var digit = 0; digit < exponent; digit++)
        {
            divisor *= 10;
        }

        var major = minor / divisor;
        return $"{currencyCode} {major.ToString("N" + exponent.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)}";
    }
}
