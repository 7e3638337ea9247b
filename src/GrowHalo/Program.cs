using GrowHalo.Cli;
using GrowHalo.Platform;

/// <summary>
/// One executable: with no command (or only --option=value settings) it serves HTTP and runs the projection daemon;
/// with a command it runs that command (see <see cref="GrowHaloCli"/>).
/// </summary>
public partial class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (GrowHaloCli.IsServe(args))
        {
            var app = GrowHaloHost.BuildWebApplication(args.SkipWhile(a => a == "serve").ToArray());
            await app.RunAsync();
            return 0;
        }
        return await GrowHaloCli.RunAsync(args);
    }
}
