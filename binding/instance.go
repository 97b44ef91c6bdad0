package binding

import (
	"fmt"

	"github.com/govif/govif/objects"
)

// DefaultInstanceNameTemplate is Nova's [DEFAULT] instance_name_template.
const DefaultInstanceNameTemplate = "instance-%08x"

// InstanceName formats a Nova instance name from the instance's database id with Nova's default
// template ("instance-00000001" for id 1).
func InstanceName(id int) string { return fmt.Sprintf(DefaultInstanceNameTemplate, id) }

// NewInstanceInfo is Nova's nova_to_osvif_instance: uuid and name always, project_id only when
// known (an empty projectID leaves it unset).
func NewInstanceInfo(uuid, name, projectID string) *objects.InstanceInfo {
	info := &objects.InstanceInfo{UUID: objects.Set(uuid), Name: objects.Set(name)}
	if projectID != "" {
		info.ProjectID = objects.Set(projectID)
	}
	return info
}
