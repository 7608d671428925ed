package io.multiarch.buildx;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.multiarch.docker.Json;

import java.util.List;

/**
 * The parts of an image config ({@code imagetools inspect --format '{{json .Image}}'}) that say which build step made
 * each layer: its {@code history}, one entry per step, where steps that made no layer are marked {@code empty_layer}.
 */
public record ImageConfig(List<History> history) {

    /** One step of the image's history. */
    public record History(String createdBy, boolean emptyLayer) {
    }

    public static ImageConfig parse(String json) throws JsonProcessingException {
        return Json.read(json, ImageConfig.class, node -> new ImageConfig(Json.fields(node, ImageConfig.class)
                .list("history", h -> {
                    Json.Fields f = Json.fields(h, History.class);
                    return new History(f.text("created_by"), f.bool("empty_layer"));
                })));
    }

    /** The step of each layer, in layer order ({@code ""} where the history does not say). */
    public List<String> layerSteps() {
        return history == null ? List.of()
                : history.stream().filter(h -> !h.emptyLayer()).map(h -> h.createdBy() == null ? "" : h.createdBy()).toList();
    }
}
