// The benchmark's floor: Kestrel answering a constant, with no middleware, logging, mediator or database.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
app.MapGet("/", () => "ok");
app.Run();
