package ovs

import "github.com/govif/govif/objects"

// As lets errors.As find an *objects.FieldError in an *InvalidVIFError, so callers that branch
// on bad input the generic way (the daemon's 400 with the field path, the CLI's exit 2) treat
// the plugin's refusals like any other invalid field. The path is the plugin's field name
// ("bridge_name", "network.bridge", "instance_info.uuid").
func (e *InvalidVIFError) As(target any) bool {
	fe, ok := target.(**objects.FieldError)
	if !ok {
		return false
	}
	*fe = &objects.FieldError{Path: e.Field, Value: e.Value, Reason: e.Reason}
	return true
}
