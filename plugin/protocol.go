package plugin

import (
	"encoding/json"
	"errors"
)

// The exec protocol between govif and an external plugin executable, version 1.
//
// govif runs <dir>/govif-plugin-<name> with argv [path, command], the request as one JSON
// object on stdin, and the environment variables GOVIF_PLUGIN_COMMAND=<command> and
// GOVIF_PLUGIN_PROTOCOL=1 added to its own. The plugin writes one JSON response object on
// stdout and exits 0 on success, non-zero on failure (with an error object in the response).
// Stderr is free-form diagnostics; govif keeps its tail for error messages.
// docs/plugins.md is the full reference.
const (
	// ProtocolVersion is the exec protocol version govif speaks.
	ProtocolVersion = 1
	// ExecPrefix starts the file name of every external plugin executable.
	ExecPrefix = "govif-plugin-"
)

// Exec protocol commands (argv[1] and Request.Command).
const (
	CmdVersion  = "version"  // which protocol versions the plugin speaks
	CmdDescribe = "describe" // the plugin's HostPluginInfo
	CmdPlug     = "plug"
	CmdUnplug   = "unplug"
)

// Exec protocol error codes (ErrorBody.Code). Unknown codes are kept as they are.
const (
	CodeMissingPortProfile  = "missing_port_profile" // errors.Is(err, ErrMissingPortProfile)
	CodeWrongPortProfile    = "wrong_port_profile"   // *WrongPortProfileError; details = profile class
	CodeUnsupportedVIFType  = "unsupported_vif_type" // errors.Is(err, ErrUnsupportedVIFType)
	CodeInvalidRequest      = "invalid_request"      // the plugin could not read the request
	CodeUnsupportedProtocol = "unsupported_protocol" // protocol_version not spoken by the plugin
	CodeUnknownCommand      = "unknown_command"      // command not known to the plugin
	CodePluginError         = "plugin_error"         // any other failure
)

// ExecRequest is the JSON object govif writes to a plugin's stdin.
type ExecRequest struct {
	// ProtocolVersion is ProtocolVersion.
	ProtocolVersion int `json:"protocol_version"`
	// Command repeats argv[1].
	Command string `json:"command"`
	// Plugin is the plugin's name (the part of the file name after govif-plugin-).
	Plugin string `json:"plugin"`
	// Config is the plugin's raw [os_vif_<name>] section: option -> every value, in file order.
	Config map[string][]string `json:"config"`
	// TimeoutMS is the time left before govif kills the plugin, in milliseconds (0: none).
	TimeoutMS int64 `json:"timeout_ms,omitempty"`
	// VIF is the VIF primitive (os-vif wire format), for plug and unplug.
	VIF json.RawMessage `json:"vif,omitempty"`
	// InstanceInfo is the InstanceInfo primitive, for plug and unplug.
	InstanceInfo json.RawMessage `json:"instance_info,omitempty"`
}

// ExecResponse is the JSON object a plugin writes to stdout.
type ExecResponse struct {
	// ProtocolVersion is the version the plugin answered in.
	ProtocolVersion int `json:"protocol_version"`
	// SupportedVersions answers the version command.
	SupportedVersions []int `json:"supported_versions,omitempty"`
	// HostPluginInfo answers the describe command: a HostPluginInfo primitive.
	HostPluginInfo json.RawMessage `json:"host_plugin_info,omitempty"`
	// Error is set on failure (and the plugin exits non-zero).
	Error *ErrorBody `json:"error,omitempty"`
}

// ErrorBody is a failure reported by a plugin.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details string `json:"details,omitempty"`
}

// ErrorBodyFor maps an error to the exec protocol's error object, keeping the os-vif failure
// kinds of this package as their codes.
func ErrorBodyFor(err error) *ErrorBody {
	var wp *WrongPortProfileError
	switch {
	case errors.As(err, &wp):
		return &ErrorBody{Code: CodeWrongPortProfile, Message: err.Error(), Details: wp.Profile}
	case errors.Is(err, ErrMissingPortProfile):
		return &ErrorBody{Code: CodeMissingPortProfile, Message: err.Error()}
	case errors.Is(err, ErrUnsupportedVIFType):
		return &ErrorBody{Code: CodeUnsupportedVIFType, Message: err.Error()}
	}
	return &ErrorBody{Code: CodePluginError, Message: err.Error()}
}

// kind returns the sentinel or typed error a code stands for, or nil.
func (b *ErrorBody) kind() error {
	switch b.Code {
	case CodeMissingPortProfile:
		return ErrMissingPortProfile
	case CodeUnsupportedVIFType:
		return ErrUnsupportedVIFType
	case CodeWrongPortProfile:
		return &WrongPortProfileError{Profile: b.Details}
	case CodeUnsupportedProtocol, CodeUnknownCommand, CodeInvalidRequest:
		return ErrProtocol
	}
	return nil
}
