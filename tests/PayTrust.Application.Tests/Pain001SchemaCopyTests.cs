using System.Security.Cryptography;
using PayTrust.Testing;

namespace PayTrust.Application.Tests;

/// <summary>
/// The tests validate against ../shared/iso20022 when it is beside the clone, else against the
/// repository's copy; this keeps the copy the official file.
/// </summary>
public class Pain001SchemaCopyTests
{
    /// <summary>SHA-256 of the pain.001.001.03 XSD in ../shared (SWIFTStandards Workstation, 2009-01-08).</summary>
    private const string OfficialSha256 = "87bd9b06f7f74128764d304af60f96f0d5583c92031113a892048272c8934d14";

    [Fact]
    public void The_repositorys_copy_of_the_schema_is_the_official_file()
    {
        var copy = File.ReadAllBytes(Pain001Schema.RepositoryCopyPath);

        Assert.Equal(OfficialSha256, Convert.ToHexStringLower(SHA256.HashData(copy)));
        if (Pain001Schema.SharedPath is { } shared)
        {
            Assert.Equal(File.ReadAllBytes(shared), copy);
        }
    }
}
