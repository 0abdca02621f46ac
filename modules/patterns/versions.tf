terraform {
  # Validation conditions that refer to this module's outputs need 1.9.
  required_version = ">= 1.9.0"
}
