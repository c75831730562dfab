namespace Backend.Flows.FlowJson.Validation;

/// <summary>
/// The codes findings carry. Most are Meta's (its static validation error codes); the ones marked
/// "local" are this library's, for documented limits Meta gives no code for.
/// </summary>
public static class FlowErrorCodes
{
#pragma warning disable CS1591 // The names are the documentation; docs/flow-json.md lists what each means.
    public const string InvalidFlowJson = "INVALID_FLOW_JSON";
    public const string MissingFlowJsonVersion = "MISSING_FLOW_JSON_VERSION";
    public const string InvalidFlowJsonVersion = "INVALID_FLOW_JSON_VERSION";
    public const string UnsupportedFlowJsonVersion = "UNSUPPORTED_FLOW_JSON_VERSION";
    public const string UnavailableFlowJsonVersion = "UNAVAILABLE_FLOW_JSON_VERSION";
    public const string NoSupportedDataApiVersion = "NO_SUPPORTED_DATA_API_VERSION";
    public const string InvalidPropertyKey = "INVALID_PROPERTY_KEY";
    public const string InvalidPropertyValue = "INVALID_PROPERTY_VALUE";
    public const string InvalidPropertyType = "INVALID_PROPERTY_TYPE";
    public const string InvalidPropertyValueFormat = "INVALID_PROPERTY_VALUE_FORMAT";
    public const string InvalidEnumValue = "INVALID_ENUM_VALUE";
    public const string MinItemsRequired = "MIN_ITEMS_REQUIRED";
    public const string MinCharsRequired = "MIN_CHARS_REQUIRED";
    public const string MissingRequiredProperty = "MISSING_REQUIRED_PROPERTY";
    public const string MissingRequiredTypeProperty = "MISSING_REQUIRED_TYPE_PROPERTY";
    public const string PatternMismatch = "PATTERN_MISMATCH";
    public const string InvalidDependencies = "INVALID_DEPENDENCIES";
    public const string NotKeywordSchemaValidationFailed = "NOT_KEYWORD_SCHEMA_VALIDATION_FAILED";
    public const string KeywordOneOf = "KEYWORD_ONE_OF";
    public const string InvalidRoutingModel = "INVALID_ROUTING_MODEL";
    public const string InvalidOnClickActionPayload = "INVALID_ON_CLICK_ACTION_PAYLOAD";
    public const string InvalidCompleteAction = "INVALID_COMPLETE_ACTION";
    public const string InvalidNavigateActionPayload = "INVALID_NAVIGATE_ACTION_PAYLOAD";
    public const string InvalidNavigateActionNextScreenName = "INVALID_NAVIGATE_ACTION_NEXT_SCREEN_NAME";
    public const string InvalidActionPayloadProperty = "INVALID_ACTION_PAYLOAD_PROPERTY";
    public const string InvalidScreenDynamicData = "INVALID_SCREEN_DYNAMIC_DATA";
    public const string InvalidScreenData = "INVALID_SCREEN_DATA";
    public const string MaxScreensNumber = "MAX_SCREENS_NUMBER";
    public const string MaxFooterPerScreen = "MAX_FOOTER_PER_SCREEN";
    public const string MaxEmbeddedLinkPerScreen = "MAX_EMBEDDED_LINK_PER_SCREEN";
    public const string MaxImagePerScreen = "MAX_IMAGE_PER_SCREEN";
    public const string MaxOptInPerScreen = "MAX_OPT_IN_PER_SCREEN";
    public const string MinValueGreaterThanMax = "MIN_VALUE_GREATER_THAN_MAX";
    public const string DuplicateFormComponentNames = "DUPLICATE_FORM_COMPONENT_NAMES";
    public const string DuplicateScreenIds = "DUPLICATE_SCREEN_IDS";
    public const string ScreenIdIsReservedKeyword = "SCREEN_ID_IS_RESERVED_KEYWORD";
    public const string MissingFooterOnTerminalScreen = "MISSING_FOOTER_ON_TERMINAL_SCREEN";
    public const string MissingTerminalScreen = "MISSING_TERMINAL_SCREEN";
    public const string ComponentsOutsideForm = "COMPONENTS_OUTSIDE_FORM";
    public const string MissingFooterInIfElseBranches = "MISSING_FOOTER_IN_IF_ELSE_BRANCHES";
    public const string MissingFooterInSwitchBranches = "MISSING_FOOTER_IN_SWITCH_BRANCHES";
    public const string MoreThanOneFooter = "MORE_THAN_ONE_FOOTER";
    public const string NativeComponentInFormInitValues = "NATIVE_COMPONENT_IN_FORM_INIT_VALUES";

    // Local codes: limits Meta documents without naming an error code.
    public const string MaxComponentsPerScreen = "MAX_COMPONENTS_PER_SCREEN";
    public const string MaxNavigationListPerScreen = "MAX_NAVIGATION_LIST_PER_SCREEN";
    public const string MaxImageCarouselPerScreen = "MAX_IMAGE_CAROUSEL_PER_SCREEN";
    public const string MaxImageCarouselPerFlow = "MAX_IMAGE_CAROUSEL_PER_FLOW";
    public const string MaxCharsExceeded = "MAX_CHARS_EXCEEDED";
    public const string MaxItemsExceeded = "MAX_ITEMS_EXCEEDED";
    public const string NavigateOnTerminalFooter = "NAVIGATE_ON_TERMINAL_FOOTER";
#pragma warning restore CS1591
}
