namespace PayTrust.Api.Security;

/// <summary>The service refuses to start with an administration key that is missing, short or odd.</summary>
public static class AdminKey
{
    public const string ConfigurationName = "ADMIN_API_KEY";
    public const int MinimumLength = 32;

    /// <returns>null when the key is acceptable, else why not (never the key itself).</returns>
    public static string? Problem(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return $"{ConfigurationName} is not set; set it to a random string of at least {MinimumLength} characters (./build.sh run generates one).";
        }

        if (key.Length < MinimumLength)
        {
            return $"{ConfigurationName} is {key.Length} characters long; it must be at least {MinimumLength}.";
        }

        // Letters, digits and ASCII symbols only: no spaces, control characters or non-ASCII, which
        // survive copy-paste and header transport badly.
        if (key.Any(c => c is < '!' or > '~'))
        {
            return $"{ConfigurationName} may contain only letters, digits and ASCII symbols (no spaces, control or non-ASCII characters).";
        }

        return null;
    }
}
