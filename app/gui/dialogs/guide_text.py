# ruff: noqa: E501 - prose in HTML reads better unwrapped than split mid-sentence
"""The "Which VAE should I use?" guide, in English and Simplified Chinese.

Kept as whole HTML documents rather than per-sentence translations: the guide
is prose, and a translator should see and write it whole.
"""

GUIDE_EN = """
<h2>Which VAE should I use?</h2>

<h3>What a VAE does</h3>
<p>Stable Diffusion does not paint pixels. It works on a <i>latent</i>: a compressed sketch of the
picture, eight times smaller on each side. The VAE (variational autoencoder) is the last step: its
decoder turns that latent into the image you see. It decides how the finest details come out —
eyes, small faces, skin and fabric texture, lettering — and whether colours look rich or washed out.</p>

<h3>Every checkpoint already carries one</h3>
<p>A full checkpoint file contains a VAE. When your UI's VAE setting is <i>Automatic</i> or
<i>None</i>, that built-in VAE is used. An external VAE only changes anything when it differs from
the one inside the checkpoint: the <b>Checkpoints</b> panel shows which VAE each checkpoint carries.</p>

<h3>SD 1.x and 2.x: EMA or MSE?</h3>
<p>Stability AI fine-tuned the original decoder twice, on more images of people:</p>
<ul>
<li><b>ft-EMA</b> (the file named <i>…ft-ema-560000…</i>): a little sharper; fine detail looks
crisper. A good default for photos.</li>
<li><b>ft-MSE</b> (<i>…ft-mse-840000…</i>, trained further with more weight on per-pixel error):
smoother, softer results; the most common and safest choice.</li>
</ul>
<p>Compared with the original VAE, both mostly improve <b>eyes and small faces</b>. Small
<b>text barely improves</b>: the latent is simply too small to hold legible lettering. Many anime models
were mixed with an anime VAE (NAI/Anything, kl-f8-anime2); if their colours look grey and washed out,
try ft-MSE.</p>

<h3>SDXL</h3>
<p>Use an SDXL VAE. The files look alike, but SDXL models work in their own latent space, so an
SD 1.x VAE gives them wrong colours and artefacts. The original SDXL 1.0 VAE overflows in half
precision (fp16) and produces NaNs: black or noisy images, or the "--no-half-vae" advice. The
<b>SDXL fp16-fix</b> VAE by madebyollin gives nearly the same images and is safe in fp16: pick it for
SDXL on most GPUs. Decoding in fp32 or bf16 works with either.</p>

<h3>SD 3, 3.5 and FLUX.1</h3>
<p>These use 16-channel VAEs that are not interchangeable with SD 1.x or SDXL, nor with each other.
Use the VAE made for the model family.</p>

<h3>Tiny decoders</h3>
<p>TAESD, TAESDXL, TAESD3 and TAEF1 are tiny decoders for instant live previews while an image is
being generated. They are not meant for final images.</p>

<h3>See for yourself</h3>
<p>In <b>Preview</b>, decode the test card with two or more VAEs side by side, zoom into the eyes and
the small text, and compare PSNR and SSIM under each image (higher means closer to the original).</p>
"""

GUIDE_ZH = """
<h2>我该用哪个 VAE？</h2>

<h3>VAE 是做什么的</h3>
<p>Stable Diffusion 并不直接画像素，而是在<i>潜空间</i>里工作：潜变量是图像的压缩草稿，长宽各缩小为八分之一。
VAE（变分自编码器）是最后一步：它的解码器把潜变量还原成你看到的图片。最细的细节如何呈现——眼睛、小脸、
皮肤和布料的纹理、文字——以及颜色是饱满还是发灰，都取决于它。</p>

<h3>每个大模型本来就带着一个 VAE</h3>
<p>完整的大模型（checkpoint）文件里已经包含一个 VAE。当界面里的 VAE 设置为“自动（Automatic）”或“无（None）”时，
用的就是这个内置 VAE。只有当外部 VAE 与模型内置的不同时，换用它才会有变化：<b>大模型</b>面板会显示每个大模型内置的是哪个 VAE。</p>

<h3>SD 1.x 与 2.x：EMA 还是 MSE？</h3>
<p>Stability AI 用更多人物图片对原始解码器做了两次微调：</p>
<ul>
<li><b>ft-EMA</b>（文件名含 <i>…ft-ema-560000…</i>）：稍微锐利一些，细节更清楚。写实照片风格的好默认选择。</li>
<li><b>ft-MSE</b>（<i>…ft-mse-840000…</i>，在此基础上继续训练，更看重逐像素误差）：更平滑、更柔和；最常用、最稳妥的选择。</li>
</ul>
<p>与原始 VAE 相比，两者主要改善的是<b>眼睛和小脸</b>。小<b>文字几乎没有改善</b>：潜变量太小，装不下清晰可读的字。
许多二次元模型混入了动漫 VAE（NAI/Anything、kl-f8-anime2）；如果画面颜色发灰、发白，可以试试 ft-MSE。</p>

<h3>SDXL</h3>
<p>请使用 SDXL 的 VAE。两者的文件看起来差不多，但 SDXL 模型使用自己的潜空间，换上 SD 1.x 的 VAE 会出现颜色错误和瑕疵。原版 SDXL 1.0 VAE 在半精度（fp16）下会数值溢出并产生 NaN：
出图全黑或满是噪点，或者出现“--no-half-vae”的提示。madebyollin 的 <b>SDXL fp16-fix</b> VAE 出图几乎相同，且在 fp16 下安全：
在大多数显卡上运行 SDXL 时选它即可。用 fp32 或 bf16 解码时，两者都能正常工作。</p>

<h3>SD 3、3.5 与 FLUX.1</h3>
<p>它们使用 16 通道的 VAE，既不能与 SD 1.x 或 SDXL 互换，彼此之间也不能互换。请使用为该模型系列制作的 VAE。</p>

<h3>微型解码器</h3>
<p>TAESD、TAESDXL、TAESD3 和 TAEF1 是用于生成过程中即时预览的微型解码器，不适合用来出最终成品。</p>

<h3>亲眼看看</h3>
<p>在<b>预览</b>面板中，用两个或更多 VAE 并排解码测试卡，放大眼睛和小字部分，并比较每张图下方的
PSNR 和 SSIM（数值越高，越接近原图）。</p>
"""


def guide_html(language: str) -> str:
    """The guide in ``language`` ("zh_CN" or anything else for English)."""
    if language.startswith("zh"):
        # Chinese has no spaces between words: a line break in the source would show as one.
        return GUIDE_ZH.replace("\n", "")
    return GUIDE_EN
