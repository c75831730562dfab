using System.CommandLine;
using Backend.Flows.Endpoint;
using Backend.Flows.Graph;

namespace Backend.Cli.Commands;

/// <summary><c>flows send</c>: send an interactive flow message.</summary>
public static class FlowsSendCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var to = new Option<string>("--to") { Description = "Recipient phone number in international format, or WhatsApp id.", Required = true };
        var flow = new Option<string>("--flow") { Description = "Flow id (digits, sent as flow_id) or flow name (sent as flow_name).", Required = true };
        var draft = new Option<bool>("--draft") { Description = "Send the draft version (mode draft) instead of the published one." };
        var token = new Option<string?>("--token") { Description = "flow_token to send (default: a fresh random token, printed)." };
        var cta = new Option<string>("--cta") { Description = $"Button label (at most {FlowMessage.MaxCtaLength} characters, no emoji).", DefaultValueFactory = _ => "Open" };
        var body = new Option<string>("--body") { Description = $"Message text (at most {FlowMessage.MaxBodyLength} characters).", DefaultValueFactory = _ => "Tap the button below to continue." };
        var header = new Option<string?>("--header") { Description = $"Header text (at most {FlowMessage.MaxHeaderLength} characters)." };
        var footer = new Option<string?>("--footer") { Description = $"Footer text (at most {FlowMessage.MaxFooterLength} characters)." };
        var action = new Option<string>("--action")
        {
            Description = "navigate: open --screen with --data; data-exchange: the endpoint answers INIT with the first screen.",
            DefaultValueFactory = _ => "navigate",
        };
        action.AcceptOnlyFromAmong("navigate", "data-exchange");
        var screen = new Option<string?>("--screen") { Description = "Entry screen for navigate (default: Meta opens the first entry screen)." };
        var data = new Option<string?>("--data") { Description = "Initial data of the entry screen for navigate, a non-empty JSON object (needs --screen)." };

        var command = new Command("send", "Send an interactive flow message (POST /{PHONE-NUMBER-ID}/messages). Never retried, so a failure never sends twice.")
        {
            to, flow, draft, token, cta, body, header, footer, action, screen, data,
        };
        command.SetAction(cli, async (parse, ct) =>
        {
            var flowRef = parse.GetValue(flow)!;
            var byId = flowRef.All(char.IsAsciiDigit);
            var flowToken = parse.GetValue(token) ?? FlowTokens.Mint();
            var message = new FlowMessage
            {
                To = parse.GetValue(to)!,
                FlowId = byId ? flowRef : null,
                FlowName = byId ? null : flowRef,
                Cta = parse.GetValue(cta)!,
                Body = parse.GetValue(body)!,
                Header = parse.GetValue(header),
                Footer = parse.GetValue(footer),
                FlowToken = flowToken,
                Action = parse.GetValue(action) == "data-exchange" ? FlowMessageAction.DataExchange : FlowMessageAction.Navigate,
                Screen = parse.GetValue(screen),
                Data = FlowsCommand.ParseData(parse.GetValue(data)),
                Mode = parse.GetValue(draft) ? FlowMessageMode.Draft : FlowMessageMode.Published,
            };
            var problems = message.Validate();
            if (problems.Count > 0)
            {
                throw new CliUsageException(string.Join(Environment.NewLine + "       ", problems));
            }

            await using var graph = CliRunner.OpenGraph(parse, cli, needPhone: true);
            var sent = await graph.Client.SendFlowMessageAsync(message, cancellationToken: ct);
            await cli.Out.WriteLineAsync($"Sent {(message.Mode == FlowMessageMode.Draft ? "draft" : "published")} flow {flowRef} to {message.To}: message {sent.MessageId}, flow_token {flowToken}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
