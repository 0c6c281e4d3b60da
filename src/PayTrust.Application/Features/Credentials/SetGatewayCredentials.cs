using FluentValidation;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Credentials;

/// <summary>
/// PUT /gateways/{code}/credentials (spec §3): the tenant's own secrets for Xendit (secret_key,
/// callback_token) or Midtrans (server_key), encrypted at rest; the answer shows them redacted.
/// The sandbox needs none.
/// </summary>
public sealed record SetGatewayCredentials(string Gateway, string? Mode, string? SecretKey, string? CallbackToken, string? ServerKey)
    : ICommand<GatewayCredentialsView>
{
    // A record prints every member by default; this one carries secrets, so its text never shows them.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Gateway = {Gateway}, Mode = {Mode}");
        return true;
    }
}

internal sealed class SetGatewayCredentialsValidator : AbstractValidator<SetGatewayCredentials>
{
    public const int MaxSecretLength = 255;

    public SetGatewayCredentialsValidator()
    {
        RuleFor(c => c.Mode).Must(mode => mode is "sandbox" or "production").WithErrorCode("invalid_mode")
            .WithMessage("mode must be \"sandbox\" or \"production\"");
        RuleFor(c => c.SecretKey).NotEmpty().When(c => c.Gateway == "xendit").WithErrorCode(FailureCode.CredentialsMissing.Code)
            .WithMessage("secret_key is required for xendit");
        RuleFor(c => c.CallbackToken).NotEmpty().When(c => c.Gateway == "xendit").WithErrorCode(FailureCode.CredentialsMissing.Code)
            .WithMessage("callback_token is required for xendit");
        RuleFor(c => c.ServerKey).NotEmpty().When(c => c.Gateway == "midtrans").WithErrorCode(FailureCode.CredentialsMissing.Code)
            .WithMessage("server_key is required for midtrans");
        // Gateway keys are printable ASCII; anything else is a paste accident, and refusing it keeps the stored blob small and exact.
        RuleFor(c => c.SecretKey).Must(BeAKey).WithMessage($"secret_key must be 1 to {MaxSecretLength} printable ASCII characters");
        RuleFor(c => c.CallbackToken).Must(BeAKey).WithMessage($"callback_token must be 1 to {MaxSecretLength} printable ASCII characters");
        RuleFor(c => c.ServerKey).Must(BeAKey).WithMessage($"server_key must be 1 to {MaxSecretLength} printable ASCII characters");
    }

    private static bool BeAKey(string? key) => key is null || (key.Length is >= 1 and <= MaxSecretLength && key.All(c => c is >= '!' and <= '~'));
}

internal sealed class SetGatewayCredentialsHandler(IDbSession session, ICredentialProtector protector, IGatewayCatalog gateways, ICallerContext caller, IClock clock)
    : ICommandHandler<SetGatewayCredentials, GatewayCredentialsView>
{
    public async ValueTask<GatewayCredentialsView> Handle(SetGatewayCredentials command, CancellationToken cancellationToken)
    {
        await GatewayCredentialRules.EnsureTakesCredentialsAsync(gateways, command.Gateway, cancellationToken);
        var credentials = command.Gateway == "xendit"
            ? new GatewayCredentials(command.Gateway, command.Mode!, command.SecretKey, command.CallbackToken, null, clock.GetCurrentInstant())
            : new GatewayCredentials(command.Gateway, command.Mode!, null, null, command.ServerKey, clock.GetCurrentInstant());
        await new GatewayCredentialStore(session, protector).SaveAsync(caller.RequireTenant(), credentials, cancellationToken);
        return GatewayCredentialsView.Redacted(credentials);
    }
}

internal static class GatewayCredentialRules
{
    /// <summary>The gateways that take tenant credentials; the built-in sandbox needs none.</summary>
    public static readonly IReadOnlySet<string> WithCredentials = new HashSet<string>(StringComparer.Ordinal) { "xendit", "midtrans" };

    /// <summary>A tenant without credentials for a gateway can neither route nor pay through it: 422 credentials_missing (§7.6).</summary>
    public static PayTrustException Missing(string gateway) =>
        new(ErrorKind.BusinessRule, FailureCode.CredentialsMissing.Code,
            $"Gateway {gateway} has no credentials for this tenant; set them with PUT /gateways/{gateway}/credentials");

    public static async Task EnsureTakesCredentialsAsync(IGatewayCatalog gateways, string gateway, CancellationToken cancellationToken)
    {
        if (!await gateways.ExistsAsync(gateway, cancellationToken))
        {
            throw new PayTrustException(ErrorKind.InvalidInput, "invalid_gateway", $"Invalid gateway: {gateway} not found");
        }

        if (!WithCredentials.Contains(gateway))
        {
            throw new PayTrustException(ErrorKind.InvalidInput, "credentials_not_required", $"Gateway {gateway} needs no credentials");
        }
    }
}
