namespace GrowHalo.Simulator.Demo;

/// <summary>Files the demo leaves for its user, in the folder they ran it from.</summary>
public static class DemoFiles
{
    /// <summary>
    /// `dotnet run --project src/GrowHalo` starts the program in the project's folder, not the user's: the shell's
    /// PWD still names the user's folder, so files meant for them (.api_key) go there.
    /// </summary>
    public static string UserFolder()
    {
        var pwd = Environment.GetEnvironmentVariable("PWD");
        return !string.IsNullOrEmpty(pwd) && Directory.Exists(pwd) ? pwd : Directory.GetCurrentDirectory();
    }

    public static string ApiKeyPath => Path.Combine(UserFolder(), ".api_key");
}
