package io.multiarch.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's one JSON mapper for tool output: unknown fields are ignored, since tools add fields freely.
 * <p>
 * The tool output on the CLI's critical path is read from a tree ({@link #read}, {@link Fields}) rather than bound to
 * records: data binding builds each type's deserializer by introspection on first use, about 100 ms of a cold JVM for
 * the first document, while reading a tree costs a few. The helpers read as binding read: a missing field or JSON
 * {@code null} is {@code null}, {@code 0} or {@code false}; numbers and booleans are taken as text, numeric text as a
 * number; a container where a scalar is expected, or a scalar where a container is, fails naming the field.
 */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .findAndAddModules()
            .build();

    private Json() {
    }

    /** Makes a T of one JSON value, never {@code null} nor JSON {@code null}. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(JsonNode value) throws JsonMappingException;
    }

    /**
     * The {@code type} that {@code json}, an object, holds, made by {@code reader} from its {@link Fields}: {@code null}
     * for the document {@code null}, as binding gives; an empty document, malformed JSON or another value than an
     * object fail.
     */
    public static <T> T read(String json, Class<T> type, Reader<T> reader) throws JsonProcessingException {
        JsonNode tree = MAPPER.readTree(json);
        if (tree == null || tree.isMissingNode()) {
            throw MismatchedInputException.from(null, type, "No content to map due to end-of-input");
        }
        return tree.isNull() ? null : reader.read(tree);
    }

    /** The fields of {@code node}, an object that is to make a {@code type}; anything else fails. */
    public static Fields fields(JsonNode node, Class<?> type) throws JsonMappingException {
        if (!node.isObject()) {
            throw mismatch(type, node);
        }
        return new Fields(node, type);
    }

    /** The fields of one JSON object, read as data binding would read them into a record of {@code type}. */
    public static final class Fields {
        private final JsonNode object;
        private final Class<?> type;

        private Fields(JsonNode object, Class<?> type) {
            this.object = object;
            this.type = type;
        }

        private JsonNode value(String name) {
            JsonNode v = object.get(name);
            return v == null || v.isNull() ? null : v;
        }

        /**
         * The field as text, a number or boolean as text (a fraction as Java prints it, {@code 1e3} as {@code 1000.0}
         * where binding kept the written {@code 1e3}); {@code null} when missing or null.
         */
        public String text(String name) throws JsonMappingException {
            JsonNode v = value(name);
            return v == null ? null : at(name, () -> Json.text(v));
        }

        /** The field as a long (numeric text parsed, a fraction cut off); {@code 0} when missing, null or empty. */
        public long longValue(String name) throws JsonMappingException {
            JsonNode v = value(name);
            return v == null ? 0 : at(name, () -> Json.longValue(v, long.class, Long.MIN_VALUE, Long.MAX_VALUE));
        }

        /** The field as an int, as {@link #longValue} but failing out of the int range. */
        public int intValue(String name) throws JsonMappingException {
            JsonNode v = value(name);
            return v == null ? 0 : at(name, () -> (int) Json.longValue(v, int.class, Integer.MIN_VALUE, Integer.MAX_VALUE));
        }

        /** The field as a boolean ({@code "true"}, a non-zero integer); {@code false} when missing, null or empty. */
        public boolean bool(String name) throws JsonMappingException {
            JsonNode v = value(name);
            return v != null && at(name, () -> Json.bool(v));
        }

        /** The field made by {@code reader}; {@code null} when missing or null. */
        public <T> T object(String name, Reader<T> reader) throws JsonMappingException {
            JsonNode v = value(name);
            return v == null ? null : at(name, () -> reader.read(v));
        }

        /** The field, an array, each element made by {@code element} (a null element stays null); {@code null} when missing. */
        public <T> List<T> list(String name, Reader<T> element) throws JsonMappingException {
            JsonNode v = value(name);
            return v == null ? null : at(name, () -> Json.list(v, element));
        }

        /** The field, an object of text values, in its order; {@code null} when missing or null. */
        public Map<String, String> textMap(String name) throws JsonMappingException {
            JsonNode v = value(name);
            return v == null ? null : at(name, () -> Json.textMap(v));
        }

        private interface Value<T> {
            T get() throws JsonMappingException;
        }

        private <T> T at(String name, Value<T> value) throws JsonMappingException {
            try {
                return value.get();
            } catch (JsonMappingException e) {
                e.prependPath(type, name);
                throw e;
            }
        }
    }

    /** {@code value} as text: a string, or a number or boolean as text. */
    public static String text(JsonNode value) throws JsonMappingException {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isValueNode()) {
            return value.asText();
        }
        throw mismatch(String.class, value);
    }

    /** {@code value}, an array, each element made by {@code element}; a null element stays {@code null}. */
    public static <T> List<T> list(JsonNode value, Reader<T> element) throws JsonMappingException {
        if (!value.isArray()) {
            throw mismatch(List.class, value);
        }
        List<T> list = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            JsonNode e = value.get(i);
            try {
                list.add(e.isNull() ? null : element.read(e));
            } catch (JsonMappingException ex) {
                ex.prependPath(list, i);
                throw ex;
            }
        }
        return list;
    }

    /** {@code value}, an object of texts, in its order (a null value stays {@code null}). */
    public static Map<String, String> textMap(JsonNode value) throws JsonMappingException {
        if (!value.isObject()) {
            throw mismatch(Map.class, value);
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                map.put(e.getKey(), e.getValue().isNull() ? null : text(e.getValue()));
            } catch (JsonMappingException ex) {
                ex.prependPath(map, e.getKey());
                throw ex;
            }
        }
        return map;
    }

    private static long longValue(JsonNode value, Class<?> type, long min, long max) throws JsonMappingException {
        if (value.isNumber()) {
            if (!value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
                throw new JsonMappingException(null, "Numeric value (" + value.asText() + ") out of range of " + type);
            }
            return value.longValue();
        }
        if (value.isTextual()) {
            String text = value.textValue().trim();
            if (text.isEmpty() || text.equals("null")) {
                return 0;
            }
            try {
                long n = Long.parseLong(text);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw InvalidFormatException.from(null, "Cannot deserialize value of type `" + type + "` from String \""
                    + value.textValue() + "\": not a valid `" + type + "` value", value.textValue(), type);
        }
        throw mismatch(type, value);
    }

    private static boolean bool(JsonNode value) throws JsonMappingException {
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue().signum() != 0;
        }
        if (value.isTextual()) {
            String text = value.textValue().trim();
            switch (text) {
                case "true", "True", "TRUE":
                    return true;
                case "false", "False", "FALSE", "", "null":
                    return false;
                default:
                    throw InvalidFormatException.from(null, "Cannot deserialize value of type `boolean` from String \""
                            + value.textValue() + "\": only \"true\"/\"True\"/\"TRUE\" or \"false\"/\"False\"/\"FALSE\" recognized",
                            value.textValue(), boolean.class);
            }
        }
        throw mismatch(boolean.class, value);
    }

    /** The failure binding gives for a value of the wrong shape for {@code type}: an object for a string, say. */
    public static MismatchedInputException mismatch(Class<?> type, JsonNode value) {
        String what = value.isObject() ? "Object value" : value.isArray() ? "Array value"
                : value.isTextual() ? "String value (\"" + value.textValue() + "\")"
                : value.isNumber() ? "Number value (" + value.asText() + ")" : value.getNodeType() + " value";
        return MismatchedInputException.from(null, type, "Cannot deserialize value of type `" + type.getTypeName() + "` from " + what);
    }
}
