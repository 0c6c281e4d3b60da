using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using PayTrust.Api.Json;
using PayTrust.Application.Common;
using PayTrust.Application.Features.Invoices;

namespace PayTrust.Api.Endpoints;

// What clients may send. Anything else in the body (id, status, amounts PayTrust computes) has no field
// here, so it is ignored: a client can never set it.

public sealed record CreateInvoiceRequest(
    string? ExternalId,
    string? Gateway,
    string? PaymentMethod,
    string? CurrencyCode,
    string? Description,
    DateTimeOffset? ExpiresAt,
    CustomerInput? Customer,
    JsonElement? Metadata,
    IReadOnlyList<LineItemRequest>? LineItems,
    InstallmentsRequest? Installments)
{
    public CreateInvoice ToCommand() => new(
        ExternalId, Gateway, PaymentMethod, CurrencyCode, Description, RequestMapping.ToInstant(ExpiresAt), Customer, Metadata,
        RequestMapping.ToInputs(LineItems), Installments?.ToInput());
}

public sealed record UpdateInvoiceRequest(
    string? Gateway,
    string? Description,
    DateTimeOffset? ExpiresAt,
    CustomerInput? Customer,
    JsonElement? Metadata,
    IReadOnlyList<LineItemRequest>? LineItems,
    InstallmentsRequest? Installments)
{
    public UpdateInvoice ToCommand(Guid invoiceId) => new(
        invoiceId, Gateway, Description, RequestMapping.ToInstant(ExpiresAt), Customer, Metadata, RequestMapping.ToInputs(LineItems), Installments?.ToInput());
}

public sealed record CreateSupplementaryInvoiceRequest(
    string? ExternalId,
    IReadOnlyList<LineItemRequest>? LineItems,
    InstallmentsRequest? Installments,
    DateTimeOffset? ExpiresAt,
    string? Description)
{
    public CreateSupplementaryInvoice ToCommand(Guid parentInvoiceId) => new(
        parentInvoiceId, ExternalId, RequestMapping.ToInputs(LineItems), Installments?.ToInput(), RequestMapping.ToInstant(ExpiresAt), Description);
}

public sealed record RescheduleInstallmentsRequest(IReadOnlyList<long>? Amounts);

public sealed record LineItemRequest(
    string? ProductName,
    int? Quantity,
    long? UnitPrice,
    [property: JsonConverter(typeof(RateTextConverter))] string? TaxRate,
    string? TaxCategory,
    string? CountryCode)
{
    public LineItemInput ToInput() => new(ProductName, Quantity, UnitPrice, TaxRate, TaxCategory, CountryCode);
}

public sealed record InstallmentsRequest(int Count, int? IntervalDays, IReadOnlyList<DateTimeOffset>? DueDates, IReadOnlyList<long>? Amounts)
{
    public InstallmentsInput ToInput() => new(Count, IntervalDays, DueDates?.Select(RequestMapping.ToStored).ToArray(), Amounts);
}

internal static class RequestMapping
{
    /// <summary>Client times are cut to microseconds, the precision they are stored with.</summary>
    public static Instant? ToInstant(DateTimeOffset? value) => value is { } v ? ToStored(v) : null;

    public static Instant ToStored(DateTimeOffset value) => Instant.FromDateTimeOffset(value).ToStoragePrecision();

    public static IReadOnlyList<LineItemInput>? ToInputs(IReadOnlyList<LineItemRequest>? lines) =>
        lines?.Select(line => line?.ToInput() ?? new LineItemInput(null, null, null, null, null, null)).ToArray();
}
