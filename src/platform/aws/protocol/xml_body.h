// XML bodies of the rest-xml and query protocols, walked by shape in both directions: element
// names from `locationName`, wrapped or `flattened` lists and maps, `xmlAttribute` members,
// `xmlNamespace` declarations, ISO 8601 timestamps and base64 blobs. Internal to the protocol
// library; stateless and thread-safe.
#pragma once

#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "base/json.h"
#include "platform/aws/protocol/shape.h"
#include "platform/aws/protocol/xml_writer.h"

namespace aws::protocol::detail {

// Parses an XML document; throws InputError(kMalformed) when it is not well-formed or has no
// root element.
void ParseXmlDocument(std::string_view text, pugi::xml_document* doc);

// Reads the members of `shape` from the children and attributes of `element` into `out`.
// With `body_only`, members bound elsewhere (URI, headers...) are skipped. Throws InputError.
void DecodeXmlStructure(const Shape& shape, const pugi::xml_node& element, bool body_only,
                        base::Json* out);

// Writes the members of `shape` in `value` as attributes and children of the element the
// writer has just opened; throws OutputError.
void EncodeXmlMembers(const Shape& shape, const base::Json& value, bool body_only,
                      XmlWriter* writer);
// Writes `value` as the element `name` (or, for flattened lists and maps, the elements).
void EncodeXmlValue(const ShapeRef& ref, std::string_view name, const base::Json& value,
                    XmlWriter* writer);

// The `xmlns` (or `xmlns:prefix`) attribute a ref declares, if any.
void WriteXmlNamespace(const ShapeRef& ref, XmlWriter* writer);

}  // namespace aws::protocol::detail
