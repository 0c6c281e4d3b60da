using System.Globalization;
using System.Text.Json;
using PayTrust.Domain.Monetary;

namespace PayTrust.Infrastructure.Gateways;

/// <summary>
/// A notification's major-unit amount in minor units, with <see cref="WireAmount"/>'s exact conversion. A currency
/// PayTrust does not know has no known exponent: its amount is only checked to be a plain positive number and
/// left unconverted (null). Zero and negative amounts are refused — such a notification is a currency mismatch whatever it says (ADR 13).
/// </summary>
internal static class WebhookAmount
{
    /// <summary>A JSON number (Xendit's amount, paid_amount). Null reason = fine; <paramref name="minor"/> null = unknown currency.</summary>
    public static string? FromNumber(JsonElement value, string currencyCode, out long? minor, out string asReceived)
    {
        minor = null;
        asReceived = value.ValueKind == JsonValueKind.Undefined ? "" : value.GetRawText();
        return value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var major)
            ? Convert(major, currencyCode, out minor)
            : "not a number";
    }

    /// <summary>A decimal string such as Midtrans' "24145.00": digits with at most one '.', nothing else.</summary>
    public static string? FromText(string? text, string currencyCode, out long? minor)
    {
        minor = null;
        if (string.IsNullOrEmpty(text) || text.Length > 40 || text[0] == '.' || text[^1] == '.'
            || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var major))
        {
            return "not a decimal amount";
        }

        return Convert(major, currencyCode, out minor);
    }

    private static string? Convert(decimal major, string currencyCode, out long? minor)
    {
        minor = null;
        // Zero is no payment and no refund (spec §7.4 step 7): refused as malformed, never left to the database's check.
        if (major <= 0)
        {
            return "not a positive amount";
        }

        if (major > Money.MaxAmount)
        {
            return "out of range";
        }

        if (!Currency.TryParse(currencyCode, out var currency))
        {
            return null;
        }

        if (!WireAmount.TryToMinor(major, currency, out var money))
        {
            return $"not a whole number of {currency.Code} minor units up to 10^15";
        }

        minor = money.Minor;
        return null;
    }
}
