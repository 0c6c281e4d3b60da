using Mediator;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Errors;

namespace PayTrust.Application.Features.Credentials;

/// <summary>GET /gateways/{code}/credentials: the caller's own credentials for the gateway, redacted.</summary>
public sealed record GetGatewayCredentials(string Gateway) : IQuery<GatewayCredentialsView>;

internal sealed class GetGatewayCredentialsHandler(IDbSession session, ICredentialProtector protector, IGatewayCatalog gateways, ICallerContext caller)
    : IQueryHandler<GetGatewayCredentials, GatewayCredentialsView>
{
    public async ValueTask<GatewayCredentialsView> Handle(GetGatewayCredentials query, CancellationToken cancellationToken)
    {
        await GatewayCredentialRules.EnsureTakesCredentialsAsync(gateways, query.Gateway, cancellationToken);
        var credentials = await new GatewayCredentialStore(session, protector).FindAsync(caller.RequireTenant(), query.Gateway, cancellationToken)
            ?? throw new PayTrustException(ErrorKind.NotFound, "credentials_not_found", $"No credentials are set for {query.Gateway}");
        return GatewayCredentialsView.Redacted(credentials);
    }
}
