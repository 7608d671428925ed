package io.multiarch.publish;

/** What a tag serves: its digest and whether it is an index, or absent ({@code digest} empty). */
record Served(String digest, boolean index) {
static final Served ABSENT = new Served("", false);
}
