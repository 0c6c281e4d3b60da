using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace PayTrust.Api.Hosting;

/// <summary>
/// Payment-link tokens (/pay/{token}) and sandbox checkout tokens (/sandbox/checkout/{token}) are credentials: whoever
/// holds one can open the invoice's checkout, or mark a sandbox attempt paid (spec §13: they never reach the logs). They
/// travel in request paths, which PayTrust's request line, ASP.NET Core's hosting and routing logs, its log scopes and its
/// redirect results all log, at levels an operator may switch on. So every event is rewritten on its way to the sinks:
/// any property value that holds such a path keeps the path and loses the token.
/// </summary>
internal sealed partial class LogRedaction : ILogEventEnricher
{
    public const string Placeholder = "[redacted]";

    // Routing ignores case, so /PAY/{token} reaches the same page and is redacted as well. A route pattern's parameter
    // ("/pay/{token}", in routing's lines) is not a token and stays.
    [GeneratedRegex(@"(/pay/|/sandbox/checkout/)(?!\{)[^/?#\s""'<>]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TokenInPath();

    /// <summary>The text with the token of every payment-link or sandbox checkout path in it replaced.</summary>
    public static string Redact(string text) =>
        text.Contains("/pay/", StringComparison.OrdinalIgnoreCase) || text.Contains("/sandbox/checkout/", StringComparison.OrdinalIgnoreCase)
            ? TokenInPath().Replace(text, "$1" + Placeholder)
            : text;

    /// <summary>
    /// HttpClient's header dumps (Trace): their message shows header names only, but the event carries every header's raw
    /// value as a property — a gateway's Authorization header, a webhook's signature. They are dropped whole.
    /// </summary>
    public static bool IsHeaderDump(LogEvent logEvent) => logEvent.Properties.ContainsKey("HttpHeadersLogValue");

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? redacted = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            var clean = Redact(value);
            if (!ReferenceEquals(clean, value))
            {
                (redacted ??= []).Add(new LogEventProperty(name, clean));
            }
        }

        foreach (var property in redacted ?? [])
        {
            logEvent.AddOrUpdateProperty(property);
        }
    }

    /// <returns>the value itself when nothing in it needed redacting, else a redacted copy.</returns>
    private static LogEventPropertyValue Redact(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: string text }:
                var clean = Redact(text);
                return ReferenceEquals(clean, text) ? value : new ScalarValue(clean);
            // Other scalars that render as arbitrary text (a Uri, a PathString) are checked as they render.
            case ScalarValue { Value: { } other } when RendersAsText(other):
                var rendered = other.ToString() ?? "";
                var cleanRendered = Redact(rendered);
                return ReferenceEquals(cleanRendered, rendered) ? value : new ScalarValue(cleanRendered);
            case SequenceValue sequence:
                var elements = sequence.Elements.Select(Redact).ToArray();
                return elements.SequenceEqual(sequence.Elements) ? value : new SequenceValue(elements);
            case StructureValue structure:
                var properties = structure.Properties.Select(p => new { p.Name, p.Value, Clean = Redact(p.Value) }).ToArray();
                return properties.All(p => ReferenceEquals(p.Clean, p.Value))
                    ? value
                    : new StructureValue(properties.Select(p => new LogEventProperty(p.Name, p.Clean)), structure.TypeTag);
            case DictionaryValue dictionary:
                var entries = dictionary.Elements.Select(e => new { e.Key, e.Value, Clean = Redact(e.Value) }).ToArray();
                return entries.All(e => ReferenceEquals(e.Clean, e.Value))
                    ? value
                    : new DictionaryValue(entries.Select(e => new KeyValuePair<ScalarValue, LogEventPropertyValue>((ScalarValue)Redact(e.Key), e.Clean)));
            default:
                return value;
        }
    }

    private static bool RendersAsText(object value) =>
        !value.GetType().IsPrimitive && value is not (decimal or DateTime or DateTimeOffset or TimeSpan or Guid or Enum);
}
