using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PayTrust.Api.Json;

/// <summary>
/// Reads a rate given as a JSON number (<c>0.11</c>) or string (<c>"0.11"</c>) as its exact text, so it is
/// parsed by TaxRate as a decimal and never passes through binary floating point (spec §1).
/// </summary>
public sealed class RateTextConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
        _ => throw new JsonException("A rate must be a number or a string such as \"0.11\"."),
    };

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }
}
