using System.Text;
using NodaTime;

namespace PayTrust.Application.Abstractions;

/// <summary>A tenant's secrets for one gateway, decrypted. Never logged, never returned whole.</summary>
public sealed record GatewayCredentials(string Gateway, string Mode, string? SecretKey, string? CallbackToken, string? ServerKey, Instant UpdatedAt)
{
    // Records print every member by default; these are secrets.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Gateway = {Gateway}, Mode = {Mode}, UpdatedAt = {UpdatedAt}");
        return true;
    }
}
