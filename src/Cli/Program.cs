using System.CommandLine;

// Each feature contributes its commands from its own file (Commands/*.cs).
var root = new RootCommand("WhatsApp Flows backend tool: keys, Flow JSON validation, flow management and sending.");
root.Subcommands.Add(Backend.Cli.Commands.ValidateCommand.Create()); // Flow JSON checked offline against Meta's rules

return await root.Parse(args).InvokeAsync();
