namespace GrowHalo.Platform.Http;

/// <summary>
/// A query value holding a NUL (%00) is a 400 naming the parameter before any endpoint sees it: PostgreSQL text cannot
/// hold one, so a search or a key filter would otherwise fail in the database as a server error.
/// </summary>
public static class QueryValueChecks
{
    public static IApplicationBuilder UseQueryValueChecks(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        foreach (var (name, values) in context.Request.Query)
        {
            if (!values.Any(v => v?.Contains('\0') == true) && !name.Contains('\0')) continue;
            var field = name.Replace("\0", "\\u0000");
            await Problems.Write(context, StatusCodes.Status400BadRequest, "Bad request",
                $"The query parameter {field} contains %00 (a NUL character), which no value can hold; remove it.",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = ["contains %00 (a NUL character)"] } });
            return;
        }
        await next(context);
    });
}
