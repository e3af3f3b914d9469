/*
 * kernel.S - the kernel's ELF, linked in the same build, inside the EFI
 * loader (RK_KERNEL_ELF is its path): one signed file holds both.
 */
	.section .rdata, "dr"
	.balign	16
	.globl	rk_efi_kernel
	.globl	rk_efi_kernel_end
rk_efi_kernel:
	.incbin	RK_KERNEL_ELF
rk_efi_kernel_end:
