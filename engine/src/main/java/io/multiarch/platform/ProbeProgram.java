package io.multiarch.platform;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

/**
 * A tiny static Linux executable for each platform (under 200 bytes, no libc) that tells whether a machine runs
 * that platform natively: it resets its personality to {@code PER_LINUX}, calls {@code uname} and writes the
 * {@code machine} field (65 bytes, NUL padded) to standard output, then exits 0. Run natively, it prints the
 * kernel's own machine ({@code x86_64} for a 386 program on an amd64 kernel); under QEMU user emulation it prints
 * the emulated CPU's ({@code i686}, {@code aarch64}, …), since QEMU answers {@code uname} itself. binfmt_misc is
 * consulted before the kernel's own ELF loader, so a QEMU registration for a platform the CPU could run makes that
 * platform emulated, and this program sees it.
 *
 * <p>The machine code of each program is below with its assembly (assembled with {@code llvm-mc}; fixed-width
 * instruction sets are given as instruction words, written in the ELF's byte order). The ELF file is one
 * {@code PT_LOAD} segment, read and execute, mapped at {@link #BASE}, aligned for 64 KiB pages.
 */
public final class ProbeProgram {
    static final long BASE = 0x400000;

    private ProbeProgram() {
    }

    /** The executable for a platform's binaries, as the file's bytes. */
    public static byte[] of(Platform platform) {
        Platform.Elf elf = platform.elf();
        byte[] code = code(elf);
        boolean little = elf.data() == 1;
        boolean wide = elf.elfClass() == 2;
        int ehSize = wide ? 64 : 52;
        int phSize = wide ? 56 : 32;
        int codeOffset = ehSize + phSize;
        long entry = BASE + codeOffset;
        int total = codeOffset + code.length;
        ByteBuffer b = ByteBuffer.allocate(total).order(little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) elf.elfClass(), (byte) elf.data(), 1, 0});
        b.put(new byte[8]); // ABI version and padding
        b.putShort((short) 2); // e_type ET_EXEC
        b.putShort((short) elf.machine());
        b.putInt(1); // e_version
        if (wide) {
            b.putLong(entry).putLong(ehSize).putLong(0);
        } else {
            b.putInt((int) entry).putInt(ehSize).putInt(0);
        }
        b.putInt(flags(elf));
        b.putShort((short) ehSize).putShort((short) phSize).putShort((short) 1);
        b.putShort((short) 0).putShort((short) 0).putShort((short) 0); // no section headers
        int pfReadExecute = 5;
        if (wide) {
            b.putInt(1).putInt(pfReadExecute).putLong(0).putLong(BASE).putLong(BASE).putLong(total).putLong(total)
                    .putLong(0x10000);
        } else {
            b.putInt(1).putInt(0).putInt((int) BASE).putInt((int) BASE).putInt(total).putInt(total)
                    .putInt(pfReadExecute).putInt(0x10000);
        }
        b.put(code);
        return b.array();
    }

    /**
     * The {@code machine} the program printed: its output up to the first NUL (QEMU writes its CPU name over the
     * kernel's, so bytes of the longer original may follow).
     */
    public static String machine(String output) {
        int nul = output.indexOf('\0');
        return (nul < 0 ? output : output.substring(0, nul)).strip();
    }

    /** {@code e_flags}: the ARM EABI version and float ABI, the ppc64 ELFv2 ABI, MIPS64r2 n64, RISC-V RVC+double. */
    private static int flags(Platform.Elf elf) {
        return switch (elf) {
            case ARMHF, ARMEL -> 0x05000000 | elf.armFloatFlag();
            case PPC64LE -> 2;
            case MIPS64, MIPS64LE -> 0x80000007;
            case RISCV64 -> 5;
            default -> 0;
        };
    }

    private static byte[] code(Platform.Elf elf) {
        return switch (elf) {
            // mov $135,%eax; xor %edi,%edi; syscall            personality(PER_LINUX)
            // sub $400,%rsp; mov $63,%eax; mov %rsp,%rdi; syscall  uname(sp)
            // mov $1,%eax; mov $1,%edi; lea 260(%rsp),%rsi; mov $65,%edx; syscall  write(1, machine, 65)
            // mov $60,%eax; xor %edi,%edi; syscall             exit(0)
            case X86_64 -> HexFormat.of().parseHex("b88700000031ff0f054881ec90010000b83f0000004889e70f05b801000000"
                    + "bf01000000488db42404010000ba410000000f05b83c00000031ff0f05");
            // the same with int $0x80: personality 136, uname 122, write 4, exit 1 (%eax; %ebx, %ecx, %edx)
            case I386 -> HexFormat.of().parseHex("b88800000031dbcd8081ec90010000b87a00000089e3cd80b804000000bb0100"
                    + "00008d8c2404010000ba41000000cd80b80100000031dbcd80");
            // mov x8,#92; mov x0,#0; svc #0 | sub sp,sp,#400; mov x8,#160; mov x0,sp; svc #0 |
            // mov x8,#64; mov x0,#1; add x1,sp,#260; mov x2,#65; svc #0 | mov x8,#93; mov x0,#0; svc #0
            case AARCH64 -> words(elf, 0xd2800b88, 0xd2800000, 0xd4000001, 0xd10643ff, 0xd2801408, 0x910003e0,
                    0xd4000001, 0xd2800808, 0xd2800020, 0x910413e1, 0xd2800822, 0xd4000001, 0xd2800ba8, 0xd2800000,
                    0xd4000001);
            // ARM mode, EABI: mov r7,#136; mov r0,#0; svc #0 | sub sp,sp,#400; mov r7,#122; mov r0,sp; svc #0 |
            // mov r7,#4; mov r0,#1; add r1,sp,#260; mov r2,#65; svc #0 | mov r7,#1; mov r0,#0; svc #0
            case ARMHF, ARMEL -> words(elf, 0xe3a07088, 0xe3a00000, 0xef000000, 0xe24dde19, 0xe3a0707a, 0xe1a0000d,
                    0xef000000, 0xe3a07004, 0xe3a00001, 0xe28d1f41, 0xe3a02041, 0xef000000, 0xe3a07001, 0xe3a00000,
                    0xef000000);
            // li 0,136; li 3,0; sc | addi 1,1,-400; li 0,122; mr 3,1; sc |
            // li 0,4; li 3,1; addi 4,1,260; li 5,65; sc | li 0,1; li 3,0; sc
            case PPC64LE -> words(elf, 0x38000088, 0x38600000, 0x44000002, 0x3821fe70, 0x3800007a, 0x7c230b78,
                    0x44000002, 0x38000004, 0x38600001, 0x38810104, 0x38a00041, 0x44000002, 0x38000001, 0x38600000,
                    0x44000002);
            // lghi %r1,136; lghi %r2,0; svc 0 | aghi %r15,-400; lghi %r1,122; lgr %r2,%r15; svc 0 |
            // lghi %r1,4; lghi %r2,1; la %r3,260(%r15); lghi %r4,65; svc 0 | lghi %r1,1; lghi %r2,0; svc 0
            case S390X -> HexFormat.of().parseHex("a7190088a72900000a00a7fbfe70a719007ab904002f0a00a7190004a7290001"
                    + "4130f104a74900410a00a7190001a72900000a00");
            // n64 syscalls: li $2,5132; li $4,0; syscall | daddiu $sp,$sp,-400; li $2,5061; move $4,$sp; syscall |
            // li $2,5001; li $4,1; daddiu $5,$sp,260; li $6,65; syscall | li $2,5058; li $4,0; syscall
            case MIPS64, MIPS64LE -> words(elf, 0x2402140c, 0x24040000, 0x0000000c, 0x67bdfe70, 0x240213c5,
                    0x03a02025, 0x0000000c, 0x24021389, 0x24040001, 0x67a50104, 0x24060041, 0x0000000c, 0x240213c2,
                    0x24040000, 0x0000000c);
            // li a7,92; li a0,0; ecall | addi sp,sp,-400; li a7,160; mv a0,sp; ecall |
            // li a7,64; li a0,1; addi a1,sp,260; li a2,65; ecall | li a7,93; li a0,0; ecall
            case RISCV64 -> words(elf, 0x05c00893, 0x00000513, 0x00000073, 0xe7010113, 0x0a000893, 0x00010513,
                    0x00000073, 0x04000893, 0x00100513, 0x10410593, 0x04100613, 0x00000073, 0x05d00893, 0x00000513,
                    0x00000073);
        };
    }

    /** Instruction words in the ELF's byte order. */
    private static byte[] words(Platform.Elf elf, int... words) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(words.length * 4);
        ByteBuffer b = ByteBuffer.allocate(4).order(elf.data() == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        for (int w : words) {
            b.clear();
            b.putInt(w);
            out.write(b.array(), 0, 4);
        }
        return out.toByteArray();
    }
}
