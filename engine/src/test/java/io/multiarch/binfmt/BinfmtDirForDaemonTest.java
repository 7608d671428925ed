package io.multiarch.binfmt;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BinfmtDirForDaemonTest {

    @Test
    void shouldReadThisKernelOnlyForALocalDaemon() {
        assertThat(BinfmtTable.dirForDaemon(null)).isEqualTo(BinfmtTable.KERNEL);
        assertThat(BinfmtTable.dirForDaemon("")).isEqualTo(BinfmtTable.KERNEL);
        assertThat(BinfmtTable.dirForDaemon("unix:///run/multiarch-second/docker.sock")).isEqualTo(BinfmtTable.KERNEL);
        assertThat(BinfmtTable.dirForDaemon("tcp://builder:2376")).isEmpty();
        assertThat(BinfmtTable.dirForDaemon("ssh://builder@arm-host")).isEmpty();
    }
}
