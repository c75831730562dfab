using System.CommandLine;

// Each feature contributes its commands from its own file (Commands/*.cs).
var root = new RootCommand("WhatsApp Flows backend tool: keys, Flow JSON validation, flow management and sending.");

return await root.Parse(args).InvokeAsync();
