using System.CommandLine;
using GrowHalo.Platform;
using JasperFx;

namespace GrowHalo.Cli;

/// <summary>
/// <c>codegen</c> and <c>describe</c> are JasperFx's own commands (the "critter stack" command line of Marten and
/// Wolverine), run on the server's host as built for serving: GrowHalo keeps System.CommandLine for its commands and
/// hands these two, with every argument after them, to JasperFx.
/// </summary>
internal static class CritterStackCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return PassThrough("codegen",
            "Wolverine's and Marten's generated code: `codegen preview`, `codegen write` (into src/GrowHalo/Internal/Generated, which the " +
            "server loads instead of compiling at start-up), `codegen test`, `codegen delete`. Run it from src/GrowHalo after changing an endpoint.");
        yield return PassThrough("describe", "What the server is made of: Wolverine's endpoints and options, Marten's store, the projections.");
    }

    private static Command PassThrough(string name, string description)
    {
        var command = new Command(name, description) { TreatUnmatchedTokensAsErrors = false };
        command.SetAction(async (parse, _) =>
        {
            var app = GrowHaloHost.BuildWebApplication([]);
            return await app.RunJasperFxCommands([name, .. parse.UnmatchedTokens]);
        });
        return command;
    }
}
