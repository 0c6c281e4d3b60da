namespace PayTrust.Infrastructure.Persistence.Migrations;

/// <summary>
/// How migration scripts are embedded. The journal records DbUp's script name, which for an embedded
/// script is its resource name ("PayTrust.Migrations.0001_initial.sql").
/// </summary>
internal static class EmbeddedMigrations
{
    public const string ResourcePrefix = "PayTrust.Migrations.";

    public static bool IsMigration(string resourceName) =>
        resourceName.StartsWith(ResourcePrefix, StringComparison.Ordinal) && resourceName.EndsWith(".sql", StringComparison.Ordinal);

    /// <summary>"PayTrust.Migrations.0001_initial.sql" → "0001_initial.sql", the file name in db/migrations.</summary>
    public static string FileName(string resourceName) =>
        resourceName.StartsWith(ResourcePrefix, StringComparison.Ordinal) ? resourceName[ResourcePrefix.Length..] : resourceName;
}
