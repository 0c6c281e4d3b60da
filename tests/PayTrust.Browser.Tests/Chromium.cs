using Microsoft.Playwright;

namespace PayTrust.Browser.Tests;

/// <summary>
/// Debian's Chromium driven by Playwright (no browser download is possible here: docs toolchain). build.sh
/// installs the chromium package; PAYTRUST_CHROMIUM names another binary.
/// </summary>
internal static class Chromium
{
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("PAYTRUST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        Assert.True(File.Exists(ExecutablePath), $"Chromium not found at {ExecutablePath}: install Debian's chromium (./build.sh test does) or set PAYTRUST_CHROMIUM.");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // Root in CI needs --no-sandbox; the rest keep Chromium from reaching for Google's hosts on a closed network.
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return (playwright, browser);
    }
}
