namespace PayTrust.Application.Abstractions;

/// <summary>
/// A dictionary-backed <see cref="IWebhookHeaders"/>. A name given more than once (in any case) keeps all its
/// values, joined with ", " as HTTP folds them — so a doubled <c>x-callback-token</c> matches no token.
/// </summary>
public sealed class WebhookHeaders : IWebhookHeaders
{
    private readonly Dictionary<string, string> values = new(StringComparer.OrdinalIgnoreCase);

    public WebhookHeaders(IEnumerable<KeyValuePair<string, string?>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        foreach (var (name, value) in headers)
        {
            if (value is null)
            {
                continue;
            }

            values[name] = values.TryGetValue(name, out var earlier) ? $"{earlier}, {value}" : value;
        }

        Storable = values.Where(header => !WebhookHeaderNames.IsSecret(header.Key))
            .ToDictionary(header => header.Key, header => header.Value, StringComparer.OrdinalIgnoreCase);
    }

    public static WebhookHeaders None { get; } = new([]);

    public IReadOnlyDictionary<string, string> Storable { get; }

    public static WebhookHeaders Of(params (string Name, string? Value)[] headers) =>
        new(headers.Select(header => new KeyValuePair<string, string?>(header.Name, header.Value)));

    public string? Find(string name) => values.TryGetValue(name, out var value) ? value : null;
}
