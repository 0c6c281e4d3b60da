namespace PayTrust.Application.Abstractions;

/// <summary>Platform configuration the use cases need.</summary>
public interface IPlatformSettings
{
    /// <summary>Where customers reach this service (PAYTRUST_PUBLIC_URL), without a trailing slash.</summary>
    string PublicUrl { get; }

    /// <summary>The gateway used when neither the request nor the tenant's routing names one (PayTrust:DefaultGateway).</summary>
    string DefaultGateway { get; }

    string PaymentUrl(string paymentToken) => $"{PublicUrl}/pay/{paymentToken}";
}
