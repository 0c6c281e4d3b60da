using System.Text.Json;
using System.Text.Unicode;

namespace PayTrust.Application.Abstractions;

/// <summary>
/// How every webhook protocol reads a body, so finding the reference and reading the notification can never
/// disagree about what a body says. Duplicate property names are refused: with them, one reader could take the
/// first <c>order_id</c> and another the last, and a body could name one tenant for verification and another for
/// the payment.
/// </summary>
public static class WebhookJson
{
    private static readonly JsonDocumentOptions Options = new()
    {
        AllowDuplicateProperties = false,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 32,
    };

    /// <summary>The body as a JSON document whose root is an object, or null for anything else (not JSON, invalid UTF-8, duplicates, too deep).</summary>
    public static JsonDocument? TryParseObject(ReadOnlySpan<byte> body)
    {
        // JSON is UTF-8 (RFC 8259), and JsonDocument checks string contents only when they are read: checking the
        // whole body first means no later read of a string can fail on a stray byte.
        if (!Utf8.IsValid(body))
        {
            return null;
        }

        JsonDocument? document = null;
        try
        {
            document = JsonDocument.Parse(body.ToArray(), Options);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }
        }
        catch (JsonException)
        {
        }

        document?.Dispose();
        return null;
    }

    /// <summary>A string property's value, or null when it is absent or not a string.</summary>
    public static string? StringOf(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate ("\ud800") is valid JSON but no string: treated as absent.
            return null;
        }
    }

    /// <summary>
    /// A word from the body fit for a Malformed reason: letters, digits, '_', '-' and '.', at most 32 characters,
    /// quoted; anything else is just "unreadable" — reasons are stored and logged, bodies are not trusted.
    /// </summary>
    public static string Word(string? text) =>
        text is { Length: > 0 and <= 32 } && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
            ? $"'{text}'"
            : "unreadable";
}
