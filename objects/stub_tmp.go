package objects

import "errors"

var errTODO = errors.New("objects: not implemented yet")

// Decode decodes any os-vif primitive.
func Decode(data []byte) (Object, error) { return nil, errTODO }

func encodeTop(o Object, opts *EncodeOptions) ([]byte, error) { return nil, errTODO }

// Validate checks every set field of o (and nested objects) like Encode does.
func Validate(o Object) error { return errTODO }

// CurrentVersion returns the current version of a class.
func CurrentVersion(name string) (string, bool) { return "", false }

// Classes describes all classes.
func Classes() []ClassInfo { return nil }

// New returns a zero object of the named class.
func New(name string) (Object, error) { return nil, errTODO }
