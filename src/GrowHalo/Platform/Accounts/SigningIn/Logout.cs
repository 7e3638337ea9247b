using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace GrowHalo.Platform.Accounts.SigningIn;

/// <summary>
/// <c>POST /api/auth/logout</c>: revokes the browser's session on the server (its cookie answers 401 from then on) and
/// clears the cookie. Anonymous, so an ended session's cookie is cleared too.
/// </summary>
public static class Logout
{
    [WolverinePost("/api/auth/logout", OperationId = "Logout"), AllowAnonymous, DisableAntiforgery, Tags("Accounts"), GrowHalo.Platform.Http.ProducesProblems(StatusCodes.Status429TooManyRequests)]
    public static async Task<NoContent> Post(HttpContext http, CancellationToken ct)
    {
        await AccountSession.EndAsync(http, ct);
        return TypedResults.NoContent();
    }
}
