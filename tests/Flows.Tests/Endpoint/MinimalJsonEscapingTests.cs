using System.Text.Json;
using System.Text.Json.Nodes;
using Backend.Flows.Json;

namespace Backend.Flows.Tests.Endpoint;

public sealed class MinimalJsonEscapingTests
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = MinimalJsonEscaping.Instance };

    [Theory]
    [InlineData("Hey there! 👋", "\"Hey there! 👋\"")]
    [InlineData("Olá <b>&</b> 'x'", "\"Olá <b>&</b> 'x'\"")]
    [InlineData("quote \" backslash \\", "\"quote \\\" backslash \\\\\"")]
    [InlineData("line\nfeed\ttab\r\b\f", "\"line\\nfeed\\ttab\\r\\b\\f\"")]
    [InlineData("\u0001\u001f", "\"\\u0001\\u001f\"")]
    public void EscapesExactlyWhatJsonStringifyEscapes(string text, string expected)
    {
        Assert.Equal(expected, JsonSerializer.Serialize(text, Options));
    }

    [Fact]
    public void WhatItWritesParsesBackToTheSameText()
    {
        const string text = "e\u0301 ✓ 𝄞 \"\\\n\u0000 😀";
        var json = new JsonObject { ["t"] = text }.ToJsonString(Options);
        Assert.Equal(text, (string?)JsonNode.Parse(json)!["t"]);
    }
}
