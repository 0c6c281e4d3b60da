namespace PayTrust.Domain.Invoices;

/// <summary>Who pays; every part optional. Personal data: never logged.</summary>
public sealed record Customer(string? Name, string? Email, string? Phone);
