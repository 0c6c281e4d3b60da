using System.Xml;
using System.Xml.Schema;

namespace PayTrust.Testing;

/// <summary>
/// The official ISO 20022 pain.001.001.03 schema, loaded once, and a validator that returns every error and
/// warning. Warnings matter: a document in the wrong namespace only draws a "no schema information" warning.
/// </summary>
public static class Pain001Schema
{
    private const string RelativePath = "iso20022/pain.001.001.03.xsd";

    private static readonly Lazy<string> Located = new(FindXsd);

    /// <summary>The copy kept in tests/PayTrust.Testing/iso20022 and copied next to the test binaries.</summary>
    public static string RepositoryCopyPath { get; } = Path.Combine(AppContext.BaseDirectory, RelativePath);

    /// <summary>The shared folder's schema, or null when no shared folder is beside this clone.</summary>
    public static string? SharedPath
    {
        get
        {
            try
            {
                var found = FindXsd();
                return found == RepositoryCopyPath ? null : found;
            }
            catch (FileNotFoundException)
            {
                return null;
            }
        }
    }
    private static readonly Lazy<XmlSchemaSet> Schemas = new(Load);

    /// <summary>Where the XSD was found: $PAYTRUST_SHARED_DIR/iso20022, else the nearest ancestor's shared/iso20022.</summary>
    public static string XsdPath => Located.Value;

    /// <summary>Validation errors and warnings, each with its line and position; empty when the document is valid.</summary>
    public static IReadOnlyList<string> Validate(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var problems = new List<string>();
        var settings = new XmlReaderSettings
        {
            ValidationType = ValidationType.Schema,
            Schemas = Schemas.Value,
            ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings,
        };
        settings.ValidationEventHandler += (_, e) =>
            problems.Add($"{e.Severity} at {e.Exception.LineNumber}:{e.Exception.LinePosition}: {e.Message}");

        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            while (reader.Read())
            {
            }
        }
        catch (XmlException e)
        {
            // Not well-formed: the schema cannot even be applied.
            problems.Add($"Malformed XML: {e.Message}");
        }

        return problems;
    }

    private static XmlSchemaSet Load()
    {
        var set = new XmlSchemaSet();
        using (var reader = XmlReader.Create(XsdPath))
        {
            set.Add(null, reader);
        }

        set.Compile();
        return set;
    }

    private static string FindXsd()
    {
        if (Environment.GetEnvironmentVariable("PAYTRUST_SHARED_DIR") is { Length: > 0 } shared)
        {
            var fromVariable = Path.GetFullPath(Path.Combine(shared, RelativePath));
            return File.Exists(fromVariable)
                ? fromVariable
                : throw new FileNotFoundException($"PAYTRUST_SHARED_DIR is {shared}, but {fromVariable} does not exist.", fromVariable);
        }

        // The shared folder sits next to the repository (/work/main and /work/shared; ../shared in CI),
        // so some ancestor of the test binaries has it as a child.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", RelativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        // No shared folder beside this clone (a CI machine laid out differently): the repository's copy,
        // which Pain001SchemaCopyTests keeps identical to the shared one.
        return File.Exists(RepositoryCopyPath)
            ? RepositoryCopyPath
            : throw new FileNotFoundException(
                $"The pain.001.001.03 schema was not found: no ancestor of {AppContext.BaseDirectory} has shared/{RelativePath}, " +
                $"and the repository's copy is missing too. Set PAYTRUST_SHARED_DIR to the folder that contains iso20022/.");
    }
}
