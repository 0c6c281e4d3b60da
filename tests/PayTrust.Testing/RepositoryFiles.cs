namespace PayTrust.Testing;

/// <summary>Files of this checkout that tests read: the migrations, the build script.</summary>
public static class RepositoryFiles
{
    /// <summary>The checkout's root: the nearest directory above the test binaries that holds PayTrust.sln.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PayTrust.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Run the tests from inside the repository.");
    }
}
