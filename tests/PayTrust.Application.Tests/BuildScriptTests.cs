using System.Diagnostics;
using PayTrust.Testing;

namespace PayTrust.Application.Tests;

/// <summary>build.sh's helpers, sourced into a bash of their own (sourcing defines the functions and runs no verb).</summary>
public class BuildScriptTests
{
    [Fact]
    public async Task Looking_for_a_tool_that_is_not_installed_leaves_the_callers_variables_alone()
    {
        // db_start keeps its data directory in a local named dir and looks for MariaDB's tools before using it. On a
        // machine without MariaDB, find_tool's search loop once overwrote that dir with /sbin, and the server's data
        // directory was created there.
        var output = await BashAsync("""
            probe() { local dir=/kept/by/caller; find_tool paytrust-no-such-tool >/dev/null || echo "not found"; echo "$dir"; }
            probe
            """);

        Assert.Equal(["not found", "/kept/by/caller"], output);
    }

    [Fact]
    public async Task A_tool_outside_PATH_is_found_in_the_sbin_directories_and_the_callers_variables_are_left_alone()
    {
        // Debian puts mariadbd in /usr/sbin, which a non-root user's PATH often lacks; the search that finds it there
        // once left dir=/usr/sbin in db_start.
        var output = await BashAsync("""
            probe() { local dir=/kept/by/caller; PATH=/nonexistent find_tool ldconfig; echo "$dir"; }
            probe
            """);

        Assert.Equal(2, output.Length);
        Assert.EndsWith("/sbin/ldconfig", output[0], StringComparison.Ordinal);
        Assert.Equal("/kept/by/caller", output[1]);
    }

    private static async Task<string[]> BashAsync(string script)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"set -euo pipefail; . \"$1\"\n{script}");
        start.ArgumentList.Add("bash");
        start.ArgumentList.Add(Path.Combine(RepositoryFiles.Root, "build.sh"));
        using var bash = Process.Start(start)!;
        bash.StandardInput.Close();
        var output = bash.StandardOutput.ReadToEndAsync();
        var errors = bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync();
        Assert.True(bash.ExitCode == 0, $"bash exited with {bash.ExitCode}: {await errors}");
        return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
