<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../app/gui/dialogs/about.py" line="23"/>
        <source>About {app}</source>
        <translation>关于 {app}</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/about.py" line="33"/>
        <source>Find, verify, download, preview and link the VAE files of your Stable Diffusion UIs.</source>
        <translation>查找、校验、下载、预览并链接你的 Stable Diffusion 界面所用的 VAE 文件。</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/about.py" line="36"/>
        <source>Data: {data}&lt;br&gt;Settings: {config}&lt;br&gt;Logs: {logs}</source>
        <translation>数据：{data}&lt;br&gt;设置：{config}&lt;br&gt;日志：{logs}</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/about.py" line="40"/>
        <source>Licensed under the MIT licence.</source>
        <translation>以 MIT 许可证发布。</translation>
    </message>
</context>
<context>
    <name>AppState</name>
    <message>
        <location filename="../../app/gui/state.py" line="88"/>
        <source>Reading the catalog</source>
        <translation>正在读取目录</translation>
    </message>
    <message>
        <location filename="../../app/gui/state.py" line="109"/>
        <source>Looking for Stable Diffusion installs</source>
        <translation>正在查找 Stable Diffusion 安装</translation>
    </message>
    <message>
        <location filename="../../app/gui/state.py" line="144"/>
        <source>Scanning model folders</source>
        <translation>正在扫描模型文件夹</translation>
    </message>
    <message>
        <location filename="../../app/gui/state.py" line="163"/>
        <source>Hashing new files</source>
        <translation>正在计算新文件的哈希</translation>
    </message>
    <message>
        <location filename="../../app/gui/state.py" line="167"/>
        <source>Hashing {name}</source>
        <translation>正在计算 {name} 的哈希</translation>
    </message>
    <message>
        <location filename="../../app/gui/state.py" line="179"/>
        <source>Adding {path}</source>
        <translation>正在添加 {path}</translation>
    </message>
    <message>
        <location filename="../../app/gui/state.py" line="190"/>
        <source>Removing {path}</source>
        <translation>正在移除 {path}</translation>
    </message>
    <message>
        <location filename="../../app/gui/state.py" line="199"/>
        <source>Reading the link records</source>
        <translation>正在读取链接记录</translation>
    </message>
</context>
<context>
    <name>CatalogRecovery</name>
    <message>
        <location filename="../../app/gui/catalog_recovery.py" line="33"/>
        <source>Restoring the catalog&apos;s backup</source>
        <translation>正在恢复目录的备份</translation>
    </message>
    <message>
        <location filename="../../app/gui/catalog_recovery.py" line="36"/>
        <source>Setting the catalog aside</source>
        <translation>正在将目录移到一旁</translation>
    </message>
    <message>
        <location filename="../../app/gui/catalog_recovery.py" line="40"/>
        <source> The previous file was kept as {path}.</source>
        <translation> 原来的文件已保留为 {path}。</translation>
    </message>
    <message>
        <location filename="../../app/gui/catalog_recovery.py" line="42"/>
        <source>Catalog restored</source>
        <translation>目录已恢复</translation>
    </message>
    <message>
        <location filename="../../app/gui/catalog_recovery.py" line="43"/>
        <source>The catalog was restored from {path}.</source>
        <translation>已从 {path} 恢复目录。</translation>
    </message>
    <message>
        <location filename="../../app/gui/catalog_recovery.py" line="51"/>
        <source>Catalog set aside</source>
        <translation>目录已移到一旁</translation>
    </message>
    <message>
        <location filename="../../app/gui/catalog_recovery.py" line="52"/>
        <source>The old catalog was kept as {path}; your folders are scanned again.</source>
        <translation>旧目录已保留为 {path}；正在重新扫描你的文件夹。</translation>
    </message>
</context>
<context>
    <name>CheckpointModel</name>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="110"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="110"/>
        <source>Family</source>
        <translation>系列</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="110"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="110"/>
        <source>AutoV2</source>
        <translation>AutoV2</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="111"/>
        <source>Baked-in VAE</source>
        <translation>内置 VAE</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="111"/>
        <source>Paired VAE</source>
        <translation>配对的 VAE</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="112"/>
        <source>In installs</source>
        <translation>所在安装</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="117"/>
        <source>waiting for the hash</source>
        <translation>等待哈希计算</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="124"/>
        <source>none (no VAE inside)</source>
        <translation>无（不含 VAE）</translation>
    </message>
</context>
<context>
    <name>Checkpoints</name>
    <message>
        <location filename="../../app/gui/panels/checkpoint_pairing.py" line="91"/>
        <source>Forge&apos;s Preferred VAE / Text encoder(s) in {file}</source>
        <translation>{file} 中 Forge 的首选 VAE / 文本编码器</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoint_pairing.py" line="94"/>
        <source>&quot;Preferred VAE&quot; in {file}</source>
        <translation>{file} 中的“首选 VAE”</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoint_pairing.py" line="99"/>
        <source>beside it as {file}</source>
        <translation>作为 {file} 放在它旁边</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoint_pairing.py" line="102"/>
        <source>a VAE named like it</source>
        <translation>与它同名的 VAE</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoint_pairing.py" line="104"/>
        <source>the install&apos;s default VAE (sd_vae)</source>
        <translation>该安装的默认 VAE（sd_vae）</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoint_pairing.py" line="106"/>
        <source>&quot;Preferred VAE&quot; is None</source>
        <translation>“首选 VAE”为 None</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoint_pairing.py" line="107"/>
        <source>nothing chosen for it</source>
        <translation>未为它选择</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoint_pairing.py" line="118"/>
        <source>its built-in VAE</source>
        <translation>其内置 VAE</translation>
    </message>
</context>
<context>
    <name>CheckpointsPanel</name>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="182"/>
        <source>Checkpoints</source>
        <translation>大模型</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="183"/>
        <source>Every checkpoint already carries a VAE. If it is the one you would add, an external VAE changes nothing.</source>
        <translation>每个大模型都已内置一个 VAE。如果它正是你想添加的那个，外挂 VAE 不会带来任何变化。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="191"/>
        <source>No checkpoints cataloged</source>
        <translation>目录中还没有大模型</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="193"/>
        <source>Checkpoints in your UIs&apos; model folders and in the library appear here with the VAE baked into each. Drop a checkpoint on the window to import it.</source>
        <translation>各界面模型文件夹和库中的大模型会显示在这里，并注明各自内置的 VAE。把大模型文件拖到窗口上即可导入。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="220"/>
        <source>Pair with VAE…</source>
        <translation>与 VAE 配对…</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="223"/>
        <source>Unpair</source>
        <translation>取消配对</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="258"/>
        <source>Reading checkpoint pairings</source>
        <translation>正在读取大模型的配对</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="315"/>
        <source>Pairing {vae} with {checkpoint}</source>
        <translation>正在将 {vae} 与 {checkpoint} 配对</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="332"/>
        <source>Unpairing {name}</source>
        <translation>正在取消 {name} 的配对</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="370"/>
        <source>not available yet</source>
        <translation>暂不可用</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="384"/>
        <source>cannot tell: {why}</source>
        <translation>无法判断：{why}</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="388"/>
        <source>Identifying baked-in VAEs</source>
        <translation>正在识别内置 VAE</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="402"/>
        <source>Select a checkpoint to see what an external VAE would change.</source>
        <translation>选择一个大模型，查看外挂 VAE 会带来什么变化。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="408"/>
        <source>{name}: baked-in VAE {label}.</source>
        <translation>{name}：内置 VAE 为 {label}。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="410"/>
        <source>{name} holds no VAE: select one in your UI, or it cannot make images.</source>
        <translation>{name} 不含 VAE：请在界面中选择一个，否则无法生成图片。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="413"/>
        <source>{name} already carries {label}. Selecting that same VAE changes nothing; a different one (for example EMA instead of MSE) would.</source>
        <translation>{name} 已内置 {label}。选择同一个 VAE 不会有任何变化；换一个不同的（例如用 EMA 代替 MSE）才会。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="417"/>
        <source>{name} carries a VAE that matches none in your library. Compare it with an official VAE in Preview to see the difference.</source>
        <translation>{name} 内置的 VAE 与库中任何一个都不匹配。可以在预览中与官方 VAE 对比，看看差别。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/checkpoints.py" line="422"/>
        <source>{install} loads it with {pairing}.</source>
        <translation>{install} 加载它时使用 {pairing}。</translation>
    </message>
</context>
<context>
    <name>CoreMessages</name>
    <message>
        <location filename="../../app/gui/core_messages.py" line="33"/>
        <source>cannot be proven safe: {why}</source>
        <translation>无法证明可以安全加载，已拒绝：{why}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="34"/>
        <source>pickle imports {names}; loading it could run code, so it is refused</source>
        <translation>pickle 导入了 {names}；加载它可能执行代码，因此已拒绝</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="35"/>
        <source>pickle imports {names}; loading it could run code, so it is refused (these are PyTorch Lightning training objects, usually harmless, but weights-only loading cannot read them: prefer a .safetensors copy)</source>
        <translation>pickle 导入了 {names}；加载它可能执行代码，因此已拒绝（这些是 PyTorch Lightning 训练对象，通常无害，但仅权重加载无法读取它们：请改用 .safetensors 副本）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="36"/>
        <source>zip container has no directory at its end: the file was cut short (interrupted download or copy?)</source>
        <translation>zip 容器末尾没有目录：文件不完整（下载或复制中断了？）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="37"/>
        <source>zip member {name} lies past the end of the file</source>
        <translation>zip 成员 {name} 位于文件末尾之外</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="38"/>
        <source>zip member {name} ends past the end of the file</source>
        <translation>zip 成员 {name} 的结尾超出了文件末尾</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="39"/>
        <source>file is {size} bytes but tensors need at least {need}: the file was cut short (interrupted download or copy?)</source>
        <translation>文件只有 {size} 字节，但张量至少需要 {need} 字节：文件不完整（下载或复制中断了？）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="40"/>
        <source>file is {size} bytes; a safetensors file needs at least 8</source>
        <translation>文件只有 {size} 字节；safetensors 文件至少需要 8 字节</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="41"/>
        <source>file is {size} bytes but its header alone needs {need}: the file was cut short (interrupted download or copy?)</source>
        <translation>文件只有 {size} 字节，但仅文件头就需要 {need} 字节：文件不完整（下载或复制中断了？）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="42"/>
        <source>file is empty (0 bytes): an interrupted download or copy?</source>
        <translation>文件为空（0 字节）：下载或复制中断了？</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="43"/>
        <source>file is {size} bytes but tensors need {need}: the file was cut short (interrupted download or copy?)</source>
        <translation>文件只有 {size} 字节，但张量需要 {need} 字节：文件不完整（下载或复制中断了？）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="44"/>
        <source>pickle data ends early: the file was cut short</source>
        <translation>pickle 数据提前结束：文件不完整</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="45"/>
        <source>file has {extra} unexpected bytes after the last tensor</source>
        <translation>最后一个张量之后有 {extra} 个多余的字节</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="46"/>
        <source>not a valid pickle ({why})</source>
        <translation>不是有效的 pickle（{why}）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="47"/>
        <source>the file ends inside a member: it was cut short</source>
        <translation>文件在某个成员中间就结束了：文件不完整</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="48"/>
        <source>header claims {length} bytes (limit {limit}) but the file is {size} bytes: corrupt or not a safetensors file</source>
        <translation>文件头声称有 {length} 字节（上限 {limit}），但文件只有 {size} 字节：文件已损坏，或不是 safetensors 文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="49"/>
        <source>header is {length} bytes, more than the {limit} this app reads (real headers, training metadata included, stay under a few MB)</source>
        <translation>文件头有 {length} 字节，超过本程序读取的上限 {limit}（真实的文件头连同训练元数据也不过几 MB）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="50"/>
        <source>header {detail}: not a loadable safetensors header</source>
        <translation>文件头{detail}：不是可加载的 safetensors 文件头</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="51"/>
        <source>this is {what}, not a VAE</source>
        <translation>这是{what}，不是 VAE</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="52"/>
        <source>a LoRA (lora_down/lora_up weights)</source>
        <translation>一个 LoRA（lora_down/lora_up 权重）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="53"/>
        <source>a textual-inversion embedding</source>
        <translation>一个文本反转（textual inversion）嵌入</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="54"/>
        <source>diffusion model weights without a VAE</source>
        <translation>不含 VAE 的扩散模型权重</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="55"/>
        <source>a file with no tensors</source>
        <translation>一个不含张量的文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="56"/>
        <source>{count} tensors with no VAE, LoRA or embedding keys</source>
        <translation>{count} 个张量，没有 VAE、LoRA 或嵌入的键</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="57"/>
        <source>folder holds no diffusion_pytorch_model file</source>
        <translation>文件夹中没有 diffusion_pytorch_model 文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="58"/>
        <source>GGUF (quantized) file: not supported for VAEs</source>
        <translation>GGUF（量化）文件：不支持用作 VAE</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="59"/>
        <source>not a safetensors, torch or diffusers model file</source>
        <translation>不是 safetensors、torch 或 diffusers 模型文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="60"/>
        <source>a plain Python pickle, not a torch.save file</source>
        <translation>普通的 Python pickle，不是 torch.save 文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="61"/>
        <source>a torch file in the pre-1.0 tar format: weights-only loading refuses it (re-save it with a current torch)</source>
        <translation>1.0 之前的 tar 格式 torch 文件：仅权重加载会拒绝它（请用新版 torch 重新保存）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="62"/>
        <source>zip archive without data.pkl: not a torch file</source>
        <translation>没有 data.pkl 的 zip 压缩包：不是 torch 文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="63"/>
        <source>{member} fails its CRC check: the file is damaged</source>
        <translation>{member} 未通过 CRC 校验：文件已损坏</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="64"/>
        <source>the zip directory points past the end of the file</source>
        <translation>zip 目录指向文件末尾之外</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="65"/>
        <source>could not read the tensor index ({detail})</source>
        <translation>无法读取张量索引（{detail}）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="66"/>
        <source>read failed: {detail}</source>
        <translation>读取失败：{detail}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="67"/>
        <source>{count} NaN/Inf values, first in tensor {tensor}</source>
        <translation>{count} 个 NaN/Inf 值，首个出现在张量 {tensor} 中</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="68"/>
        <source>cannot check for NaN/Inf: {reason}</source>
        <translation>无法检查 NaN/Inf：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="69"/>
        <source>matches {name}</source>
        <translation>与 {name} 一致</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="70"/>
        <source>named like {name} but the hash differs ({how})</source>
        <translation>文件名与 {name} 相同，但哈希不同（{how}）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="71"/>
        <source>{size} bytes instead of {expected}</source>
        <translation>{size} 字节，应为 {expected} 字节</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="72"/>
        <source>{size} bytes instead of {expected}: probably an incomplete download</source>
        <translation>{size} 字节，应为 {expected} 字节：可能是下载不完整</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="73"/>
        <source>same size, different bytes: corrupt or modified</source>
        <translation>大小相同但内容不同：已损坏或被修改</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="74"/>
        <source>not hashed yet</source>
        <translation>尚未计算哈希</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="75"/>
        <source>matches the published but unconfirmed hash of {name}; likely genuine, not verified</source>
        <translation>与 {name} 已公布但未确认的哈希一致；很可能是正版，但未经验证</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="76"/>
        <source>third-party file; same size as {name} but other bytes (another VAE in the same format, or a modified copy)</source>
        <translation>第三方文件；大小与 {name} 相同但内容不同（同格式的另一个 VAE，或被修改的副本）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="77"/>
        <source>third-party file: not in the registry of official VAEs</source>
        <translation>第三方文件：不在官方 VAE 登记表中</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="78"/>
        <source>hash read from {source}, not computed by VAE Manager: informational only, it cannot make a file official</source>
        <translation>哈希读取自 {source}，并非 VAE Manager 计算：仅供参考，不能据此认定为官方文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="79"/>
        <source>A1111&apos;s cache.json</source>
        <translation>A1111 的 cache.json</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="80"/>
        <source>SD.Next&apos;s data/cache.json</source>
        <translation>SD.Next 的 data/cache.json</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="81"/>
        <source>the A1111/Forge hash cache (cache/hashes)</source>
        <translation>A1111/Forge 的哈希缓存（cache/hashes）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="82"/>
        <source>Stability Matrix&apos;s .cm-info.json</source>
        <translation>Stability Matrix 的 .cm-info.json</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="83"/>
        <source>unknown source</source>
        <translation>未知来源</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="84"/>
        <source>hash read from {source}, not computed by VAE Manager: not judged until VAE Manager hashes the file itself</source>
        <translation>哈希读取自 {source}，并非 VAE Manager 计算：在 VAE Manager 亲自计算哈希之前不作判定</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="85"/>
        <source>the server answered {status} {reason}</source>
        <translation>服务器返回 {status} {reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="86"/>
        <source>the access token was refused ({status} {reason}) for {where}: check the token in settings and accept the model&apos;s licence on its page</source>
        <translation>访问令牌被拒绝（{status} {reason}），地址 {where}：请在设置中检查令牌，并在模型页面上接受其许可协议</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="87"/>
        <source>this file needs an access token: set it in settings ({status} {reason}: {where})</source>
        <translation>此文件需要访问令牌：请在设置中填写（{status} {reason}：{where}）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="88"/>
        <source>not found ({status} {reason}): {where}</source>
        <translation>未找到（{status} {reason}）：{where}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="89"/>
        <source>the server refused the download ({status} {reason}): {where}</source>
        <translation>服务器拒绝了下载（{status} {reason}）：{where}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="90"/>
        <source>secure connection failed (certificate or TLS problem): {detail}</source>
        <translation>安全连接失败（证书或 TLS 问题）：{detail}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="91"/>
        <source>the server redirected too many times</source>
        <translation>服务器重定向次数过多</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="92"/>
        <source>invalid download address: {detail}</source>
        <translation>下载地址无效：{detail}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="93"/>
        <source>the server did not accept the connection in time</source>
        <translation>服务器未能及时接受连接</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="94"/>
        <source>no data for {seconds} s (stalled transfer)</source>
        <translation>{seconds} 秒内没有收到数据（传输停滞）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="95"/>
        <source>the connection dropped during the transfer</source>
        <translation>传输过程中连接中断</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="96"/>
        <source>the server refused the connection</source>
        <translation>服务器拒绝了连接</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="97"/>
        <source>connection problem: {detail}</source>
        <translation>连接问题：{detail}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="98"/>
        <source>{what}: download failed after {tries} tries ({failure}); the partial file is kept, resume it later</source>
        <translation>{what}：尝试 {tries} 次后下载失败（{failure}）；已下载的部分会保留，可稍后继续</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="99"/>
        <source>{what}: {reason} (gave up after {restarts} restarts)</source>
        <translation>{what}：{reason}（重新开始 {restarts} 次后放弃）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="100"/>
        <source>the {what} {url} is not a valid URL: {detail}</source>
        <translation>{what} {url} 不是有效的网址：{detail}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="101"/>
        <source>the {what} must be an https:// address, got {url}</source>
        <translation>{what} 必须是 https:// 地址，收到的是 {url}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="102"/>
        <source>the {what} must use https:// (plain http is only allowed for this computer): {url}</source>
        <translation>{what} 必须使用 https://（普通 http 只允许用于本机）：{url}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="103"/>
        <source>the {what} {url} is {reason}: refused</source>
        <translation>{what} {url} 是{reason}：已拒绝</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="104"/>
        <source>{lead}, which is not a valid URL ({detail}): refused</source>
        <translation>{lead}，这不是有效的网址（{detail}）：已拒绝</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="105"/>
        <source>{lead}, which is not an http(s) address: refused</source>
        <translation>{lead}，这不是 http(s) 地址：已拒绝</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="106"/>
        <source>{lead}, which names no host: refused</source>
        <translation>{lead}，其中没有主机名：已拒绝</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="107"/>
        <source>{lead}, which is {reason}: refused</source>
        <translation>{lead}，这是{reason}：已拒绝</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="108"/>
        <source>{lead}, plain http to another computer (only https is allowed there): refused</source>
        <translation>{lead}，是通往其他计算机的普通 http（那里只允许 https）：已拒绝</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="109"/>
        <source>the server redirected to {url}</source>
        <translation>服务器重定向到 {url}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="110"/>
        <source>the address {url}</source>
        <translation>地址 {url}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="111"/>
        <source>markers: {markers}</source>
        <translation>识别依据：{markers}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="112"/>
        <source>default models/{sub}</source>
        <translation>默认的 models/{sub}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="113"/>
        <source>default models/{sub} (desktop base folder)</source>
        <translation>默认的 models/{sub}（桌面版基础文件夹）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="114"/>
        <source>default Models</source>
        <translation>默认的 Models</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="115"/>
        <source>{name} in {file} line {line}</source>
        <translation>{file} 第 {line} 行的 {name}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="116"/>
        <source>{name} in {file} line {line} ({note})</source>
        <translation>{file} 第 {line} 行的 {name}（{note}）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="117"/>
        <source>{source} (links to {target})</source>
        <translation>{source}（链接到 {target}）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="118"/>
        <source>aki package (its launcher&apos;s own arguments are not read)</source>
        <translation>秋叶整合包（不读取其启动器自己的参数）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="119"/>
        <source>output/vae (ComfyUI also lists it)</source>
        <translation>output/vae（ComfyUI 也会列出它）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="120"/>
        <source>{file}: section {section}, {how}</source>
        <translation>{file}：{section} 段，{how}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="121"/>
        <source>{key} (relative to the yaml folder)</source>
        <translation>{key}（相对于 yaml 所在文件夹）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="122"/>
        <source>ComfyUI desktop base folder (basePath in {file})</source>
        <translation>ComfyUI 桌面版基础文件夹（{file} 中的 basePath）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="123"/>
        <source>ComfyUI desktop base folder (markers: {markers}; no desktop config found)</source>
        <translation>ComfyUI 桌面版基础文件夹（识别依据：{markers}；未找到桌面版配置）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="124"/>
        <source>config.json {key}</source>
        <translation>config.json 中的 {key}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="125"/>
        <source>InvokeAI has no VAE folder</source>
        <translation>InvokeAI 没有 VAE 文件夹</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="126"/>
        <source>add the file in Model Manager (Scan Folder / URL or Local Path, &apos;in place&apos;)</source>
        <translation>请在模型管理器中添加文件（扫描文件夹 / URL 或本地路径，选择“就地”）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="127"/>
        <source>one-click package {path}</source>
        <translation>一键整合包 {path}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="128"/>
        <source>portable package {path}</source>
        <translation>便携包 {path}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="129"/>
        <source>Windows package {path}</source>
        <translation>Windows 整合包 {path}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="130"/>
        <source>Stability Matrix package {label} in {root}</source>
        <translation>{root} 中的 Stability Matrix 包 {label}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="131"/>
        <source>Stability Matrix library{portable}: {markers}</source>
        <translation>Stability Matrix 库{portable}：{markers}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="132"/>
        <source>added by you</source>
        <translation>由你添加</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="133"/>
        <source>shared Models/{sub}</source>
        <translation>共享的 Models/{sub}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="134"/>
        <source>settings.json ModelDirectoryOverride</source>
        <translation>settings.json 中的 ModelDirectoryOverride</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="135"/>
        <source>settings.json ModelDirectoryOverride {path} is refused: {why}</source>
        <translation>settings.json 中的 ModelDirectoryOverride {path} 被拒绝：{why}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="136"/>
        <source>settings.json ModelDirectoryOverride {value} is not a usable path: ignored, default Models/ used</source>
        <translation>settings.json 中的 ModelDirectoryOverride {value} 不是可用的路径：已忽略，改用默认的 Models/</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="137"/>
        <source>{what}: ignored, default folders used</source>
        <translation>{what}：已忽略，改用默认文件夹</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="138"/>
        <source>&apos;{name}&apos; ({package}, shared folders: {method})</source>
        <translation>“{name}”（{package}，共享文件夹方式：{method}）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="139"/>
        <source>link {name} into {where}</source>
        <translation>将 {name} 链接到 {where}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="140"/>
        <source>link {name} into {where}; unlink it from {unlinked}</source>
        <translation>将 {name} 链接到 {where}，并从 {unlinked} 取消链接</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="141"/>
        <source>unlink {names} from {where}</source>
        <translation>从 {where} 取消链接 {names}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="142"/>
        <source>make {name} the default VAE of {install} at {root}</source>
        <translation>将 {name} 设为 {install}（{root}）的默认 VAE</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="143"/>
        <source>reset the default VAE of {install} at {root}</source>
        <translation>重置 {install}（{root}）的默认 VAE</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="144"/>
        <source>reset the default VAE after undoing {summary}</source>
        <translation>撤销“{summary}”后重置默认 VAE</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="145"/>
        <source>pair {vae} with {checkpoint} in {install} at {root}</source>
        <translation>在 {install}（{root}）中将 {vae} 与 {checkpoint} 配对</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="146"/>
        <source>unpair {checkpoint} in {install}</source>
        <translation>取消 {install} 中 {checkpoint} 的 VAE 配对</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="147"/>
        <source>import {names}</source>
        <translation>导入 {names}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="148"/>
        <source>move {names} to {trash}</source>
        <translation>将 {names} 移到{trash}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="149"/>
        <source>move the library from {old} to {new}</source>
        <translation>将库从 {old} 移到 {new}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="150"/>
        <source>link {name} ({count} links)</source>
        <translation>链接 {name}（{count} 个链接）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="151"/>
        <source>link {name} (1 link)</source>
        <translation>链接 {name}（1 个链接）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="152"/>
        <source>the trash</source>
        <translation>回收站</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="153"/>
        <source>the Trash</source>
        <translation>废纸篓</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="154"/>
        <source>the Recycle Bin</source>
        <translation>回收站</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="155"/>
        <source>Undo {what}</source>
        <translation>撤销：{what}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="156"/>
        <source>Nothing to undo: no recorded operation is left to reverse.</source>
        <translation>没有可撤销的操作：记录中已没有可以撤回的操作。</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="157"/>
        <source>No operation {id} is recorded.</source>
        <translation>没有记录编号为 {id} 的操作。</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="158"/>
        <source>Operation {id} ({summary}) was already undone.</source>
        <translation>操作 {id}（{summary}）已经撤销过了。</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="159"/>
        <source>Operation {id} ({summary}) did nothing to undo.</source>
        <translation>操作 {id}（{summary}）没有做任何可撤销的事。</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="160"/>
        <source>Undone: {what}</source>
        <translation>已撤销：{what}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="161"/>
        <source>Partly undone: {what}. Left alone:</source>
        <translation>部分撤销：{what}。未改动的步骤：</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="162"/>
        <source>a &apos;{kind}&apos; step</source>
        <translation>一个“{kind}”步骤</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="163"/>
        <source>this version of VAE Manager cannot undo it</source>
        <translation>此版本的 VAE Manager 无法撤销它</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="164"/>
        <source>remove the link {path}</source>
        <translation>移除链接 {path}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="165"/>
        <source>put back the link {path}</source>
        <translation>恢复链接 {path}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="166"/>
        <source>put {key} in {path} back to {old}</source>
        <translation>将 {path} 中的 {key} 恢复为 {old}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="167"/>
        <source>remove {key} from {path}</source>
        <translation>从 {path} 中删除 {key}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="168"/>
        <source>remove {path}, which VAE Manager created</source>
        <translation>删除 VAE Manager 创建的 {path}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="169"/>
        <source>put {path} back from {trash}</source>
        <translation>从{trash}恢复 {path}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="170"/>
        <source>move {name} back to {folder}</source>
        <translation>将 {name} 移回 {folder}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="171"/>
        <source>move the library&apos;s {name} to {trash}</source>
        <translation>将库中的 {name} 移到{trash}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="172"/>
        <source>move the library back from {new} to {old}</source>
        <translation>将库从 {new} 移回 {old}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="173"/>
        <source>no record of it is left</source>
        <translation>已没有它的记录</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="174"/>
        <source>already removed</source>
        <translation>已经移除</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="175"/>
        <source>already gone</source>
        <translation>已经不在了</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="176"/>
        <source>it is there already</source>
        <translation>它已经在那里</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="177"/>
        <source>{name} is taken by another file there</source>
        <translation>那里的 {name} 已被另一个文件占用</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="178"/>
        <source>{name} was taken just now</source>
        <translation>{name} 刚刚被占用</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="179"/>
        <source>re-created ({mode})</source>
        <translation>已重新创建（{mode}）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="180"/>
        <source>the library file {path} is gone</source>
        <translation>库文件 {path} 已不存在</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="181"/>
        <source>the library file {name} changed since</source>
        <translation>库文件 {name} 此后已被改动</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="182"/>
        <source>VAE Manager had created it</source>
        <translation>它是 VAE Manager 创建的</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="183"/>
        <source>it already was</source>
        <translation>本来就是这样</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="184"/>
        <source>cannot remove {path}: {why}</source>
        <translation>无法删除 {path}：{why}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="185"/>
        <source>already gone from the library</source>
        <translation>已不在库中</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="186"/>
        <source>{path} changed since it was imported; left alone</source>
        <translation>{path} 导入后已被改动，未作处理</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="187"/>
        <source>moved back to {path}</source>
        <translation>已移回 {path}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="188"/>
        <source>cannot move {name} back: {path} is taken by another file.</source>
        <translation>无法移回 {name}：{path} 已被另一个文件占用。</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="189"/>
        <source>cannot move {name} back: {path} was taken just now.</source>
        <translation>无法移回 {name}：{path} 刚刚被占用。</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="190"/>
        <source>cannot move {name} back to {path}: {why}</source>
        <translation>无法将 {name} 移回 {path}：{why}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="191"/>
        <source>{path} is kept: {source} is gone, so the library&apos;s file is the only copy left.</source>
        <translation>保留 {path}：{source} 已不存在，库中的文件是仅剩的副本。</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="192"/>
        <source>{path} is kept: {source} is no longer the same file, so this may be the only copy.</source>
        <translation>保留 {path}：{source} 已不是同一个文件，这可能是唯一的副本。</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="193"/>
        <source>{path} is kept: it is the source itself.</source>
        <translation>保留 {path}：它就是源文件本身。</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="194"/>
        <source>moved {name} to {trash} ({source} is still there)</source>
        <translation>已将 {name} 移到{trash}（{source} 仍在原处）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="195"/>
        <source>the library is now at {current}, not {new}</source>
        <translation>库现在位于 {current}，而不是 {new}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="196"/>
        <source>{count} file(s) not moved back ({path}: {why})</source>
        <translation>{count} 个文件未移回（{path}：{why}）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="197"/>
        <source>moved {count} file(s) back</source>
        <translation>已移回 {count} 个文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="198"/>
        <source>restored {path} from {trash}</source>
        <translation>已从{trash}恢复 {path}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="199"/>
        <source>{path} is back already</source>
        <translation>{path} 已经恢复了</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="200"/>
        <source>{name} is in {trash}; restore it from there (the app cannot take files out of {trash} on this system).</source>
        <translation>{name} 在{trash}中，请从那里恢复（在此系统上，本应用无法从{trash}中取回文件）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="201"/>
        <source>{name} is no longer in {trash} (emptied, or restored by hand).</source>
        <translation>{name} 已不在{trash}中（已清空，或已手动恢复）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="202"/>
        <source>cannot put {name} back: {path} is taken by another file; it stays in {trash}.</source>
        <translation>无法放回 {name}：{path} 已被另一个文件占用；它仍留在{trash}中。</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="203"/>
        <source>left alone: not made by this app</source>
        <translation>未作处理：不是本应用创建的</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="204"/>
        <source>left alone: this is the library file; add --from ROOT to unlink it there</source>
        <translation>未作处理：这是库文件；加上 --from ROOT 才会取消它在该处的链接</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="205"/>
        <source>left alone: the app made no link of it in {where}</source>
        <translation>未作处理：本应用没有在 {where} 中创建它的链接</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="206"/>
        <source>it was the app&apos;s link: removed</source>
        <translation>它是本应用创建的链接：已移除</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="207"/>
        <source>moved to {trash}</source>
        <translation>已移到{trash}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="208"/>
        <source>{name} was left alone: VAE Manager did not make it.</source>
        <translation>{name} 未作处理：它不是 VAE Manager 创建的。</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="209"/>
        <source>The install&apos;s default VAE (sd_vae) still wins over per-checkpoint choices: reset it to Automatic, or turn off Settings &gt; VAE &gt; &apos;Selected VAE overrides per-model preferences&apos;.</source>
        <translation>该安装的默认 VAE（sd_vae）仍优先于按大模型的选择：请把它重置为自动（Automatic），或在设置 &gt; VAE 中关闭“Selected VAE overrides per-model preferences”。</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="210"/>
        <source>A1111 would still use {name} ({source}) with this checkpoint.</source>
        <translation>A1111 对这个大模型仍会使用 {name}（{source}）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="211"/>
        <source>the checkpoint&apos;s built-in VAE</source>
        <translation>大模型自带的 VAE</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="212"/>
        <source>{install}&apos;s default VAE was {old}; it is now Automatic.</source>
        <translation>{install} 的默认 VAE 原为 {old}，现已改为自动（Automatic）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="213"/>
        <source>{install}&apos;s default VAE was left as it is: {why}</source>
        <translation>{install} 的默认 VAE 保持不变：{why}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="214"/>
        <source>the catalog lists {names} until the next scan: {why}</source>
        <translation>在下次扫描之前，目录仍会列出 {names}：{why}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="215"/>
        <source>cannot read {path}: {reason}</source>
        <translation>无法读取 {path}：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="216"/>
        <source>cannot write {path}: {reason}</source>
        <translation>无法写入 {path}：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="217"/>
        <source>cannot open {path}: {reason}</source>
        <translation>无法打开 {path}：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="218"/>
        <source>cannot create {path}: {reason}</source>
        <translation>无法创建 {path}：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="219"/>
        <source>cannot copy {path}: {reason}</source>
        <translation>无法复制 {path}：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="220"/>
        <source>cannot hash {path}: {reason}</source>
        <translation>无法计算 {path} 的哈希：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="221"/>
        <source>cannot rename {path}: {reason}</source>
        <translation>无法重命名 {path}：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="222"/>
        <source>cannot link {path}: {reason}</source>
        <translation>无法链接 {path}：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="223"/>
        <source>cannot list the folder {path}: {reason}</source>
        <translation>无法列出文件夹 {path}：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="224"/>
        <source>cannot write to the library {path}: {reason}</source>
        <translation>无法写入库 {path}：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="225"/>
        <source>cannot copy it into the library {path}: {reason}</source>
        <translation>无法将其复制到库 {path}：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="226"/>
        <source>cannot undo {path}: {reason}</source>
        <translation>无法撤销 {path}：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="227"/>
        <source>cannot read: {reason}</source>
        <translation>无法读取：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="228"/>
        <source>cannot write: {reason}</source>
        <translation>无法写入：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="229"/>
        <source>cannot open: {reason}</source>
        <translation>无法打开：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="230"/>
        <source>cannot create: {reason}</source>
        <translation>无法创建：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="231"/>
        <source>cannot copy: {reason}</source>
        <translation>无法复制：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="232"/>
        <source>cannot hash: {reason}</source>
        <translation>无法计算哈希：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="233"/>
        <source>cannot rename: {reason}</source>
        <translation>无法重命名：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="234"/>
        <source>cannot link: {reason}</source>
        <translation>无法链接：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="235"/>
        <source>cannot list the folder: {reason}</source>
        <translation>无法列出文件夹：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="236"/>
        <source>cannot write to the library: {reason}</source>
        <translation>无法写入库：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="237"/>
        <source>cannot copy it into the library: {reason}</source>
        <translation>无法将其复制到库：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="238"/>
        <source>cannot undo: {reason}</source>
        <translation>无法撤销：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="239"/>
        <source>another program has it open; close that program and try again</source>
        <translation>另一个程序正在使用它；请关闭该程序后重试</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="240"/>
        <source>it is not there (moved, renamed or deleted?)</source>
        <translation>它不在那里（已被移动、重命名或删除？）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="241"/>
        <source>permission denied; check the file&apos;s and folder&apos;s permissions, or choose another place</source>
        <translation>权限被拒绝；请检查文件和文件夹的权限，或选择其他位置</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="242"/>
        <source>the drive is full; free some space and try again</source>
        <translation>磁盘已满；请释放一些空间后重试</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="243"/>
        <source>the drive is read-only; choose a folder on a writable drive</source>
        <translation>磁盘是只读的；请选择可写磁盘上的文件夹</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="244"/>
        <source>the drive reported an input/output error; the disk or its cable may be failing, so copy what matters elsewhere</source>
        <translation>磁盘报告了输入/输出错误；磁盘或其数据线可能出现故障，请把重要文件复制到别处</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="245"/>
        <source>the network or share did not answer ({detail}); check the connection and try again</source>
        <translation>网络或共享没有响应（{detail}）；请检查连接后重试</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="246"/>
        <source>it is a folder, not a file</source>
        <translation>这是文件夹，不是文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="247"/>
        <source>the name is too long for this drive</source>
        <translation>名称对该磁盘来说太长</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="248"/>
        <source>it is a link that leads round in a loop (or too many links deep)</source>
        <translation>这是一个循环链接（或链接层级过深）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="249"/>
        <source>a file stands where a folder should be on that path</source>
        <translation>该路径上本应是文件夹的位置是一个文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="250"/>
        <source>the file is too large for this drive (or for the size limit set for the app)</source>
        <translation>文件对该磁盘（或为本应用设置的大小限制）来说太大</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="251"/>
        <source>it is in use by another program; close that program and try again</source>
        <translation>另一个程序正在使用它；请关闭该程序后重试</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="252"/>
        <source>too many files are open at once; close some programs and try again</source>
        <translation>同时打开的文件太多；请关闭一些程序后重试</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="253"/>
        <source>it is on another drive, and this step only works within one drive</source>
        <translation>它在另一个磁盘上，而此步骤只能在同一磁盘内进行</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="254"/>
        <source>something with that name is already there (it was left untouched)</source>
        <translation>同名的内容已存在（未作改动）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="255"/>
        <source>the folder is not empty (it was left untouched)</source>
        <translation>文件夹不为空（未作改动）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="256"/>
        <source>the drive does not support this (a name or operation it cannot hold)</source>
        <translation>该磁盘不支持此操作（无法容纳的名称或操作）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="257"/>
        <source>the {name} database {path} is damaged ({detail})</source>
        <translation>{name}数据库 {path} 已损坏（{detail}）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="258"/>
        <source>the {name} database {path} is locked by another program (another VAE Manager window or command?); close it and try again</source>
        <translation>{name}数据库 {path} 被另一个程序锁定（另一个 VAE Manager 窗口或命令？）；请关闭它后重试</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="259"/>
        <source>the {name} database {path} cannot be written ({detail}); check that it and the folder {folder} are writable and not on a read-only drive</source>
        <translation>无法写入{name}数据库 {path}（{detail}）；请确认它和文件夹 {folder} 可写，且不在只读磁盘上</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="260"/>
        <source>the drive holding the {name} database {path} is full; free some space</source>
        <translation>存放{name}数据库 {path} 的磁盘已满；请释放一些空间</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="261"/>
        <source>cannot open the {name} database {path} ({detail}); check that the folder {folder} exists and is writable</source>
        <translation>无法打开{name}数据库 {path}（{detail}）；请确认文件夹 {folder} 存在且可写</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="262"/>
        <source>the drive holding the {name} database {path} reported an I/O error ({detail}); the disk may be failing: copy the file somewhere safe</source>
        <translation>存放{name}数据库 {path} 的磁盘报告了 I/O 错误（{detail}）；磁盘可能出现故障：请把该文件复制到安全的地方</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="263"/>
        <source>access to the {name} database {path} was denied ({detail})</source>
        <translation>访问{name}数据库 {path} 被拒绝（{detail}）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="264"/>
        <source>the computer ran out of memory using the {name} database</source>
        <translation>使用{name}数据库时电脑内存不足</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="265"/>
        <source>catalog</source>
        <translation>目录</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="266"/>
        <source>links</source>
        <translation>链接</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="267"/>
        <source>fingerprint</source>
        <translation>指纹</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="272"/>
        <source>nothing</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="273"/>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="274"/>
        <source>{items} and {last}</source>
        <translation>{items}和{last}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="275"/>
        <source>{count} more</source>
        <translation>另外 {count} 个</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="280"/>
        <source>The file was cut short (an interrupted download or copy?)</source>
        <translation>文件不完整（下载或复制中断了？）</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="281"/>
        <source>Not a VAE</source>
        <translation>不是 VAE</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="282"/>
        <source>Refused: this pickle file cannot be proven safe to load</source>
        <translation>已拒绝：无法证明此 pickle 文件可以安全加载</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="283"/>
        <source>The weights hold NaN/Inf values</source>
        <translation>权重中含有 NaN/Inf 值</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="284"/>
        <source>The header is too large</source>
        <translation>文件头过大</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="285"/>
        <source>Not a model file this app can read</source>
        <translation>不是本程序能读取的模型文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="286"/>
        <source>The file is damaged</source>
        <translation>文件已损坏</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="287"/>
        <source>The file cannot be read</source>
        <translation>无法读取文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="288"/>
        <source>The file holds tensors without plain data</source>
        <translation>文件中含有没有普通数据的张量</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="293"/>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="294"/>
        <source>Checking the part downloaded before…</source>
        <translation>正在检查之前下载的部分…</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="295"/>
        <source>Downloading…</source>
        <translation>正在下载…</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="296"/>
        <source>Waiting to try again…</source>
        <translation>等待重试…</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="297"/>
        <source>Checking the SHA-256…</source>
        <translation>正在校验 SHA-256…</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="298"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="302"/>
        <source>{lead}: {message}</source>
        <translation>{lead}：{message}</translation>
    </message>
    <message>
        <location filename="../../app/gui/core_messages.py" line="303"/>
        <source>; </source>
        <translation>；</translation>
    </message>
</context>
<context>
    <name>DetailsView</name>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="106"/>
        <source>Hash from</source>
        <translation>哈希来源</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="56"/>
        <source>Select a file to see its hashes, where it is and what it is.</source>
        <translation>选择一个文件，查看它的哈希、位置和类型。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="66"/>
        <source>Which VAE should I use?</source>
        <translation>我该用哪个 VAE？</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="72"/>
        <source>Hashes</source>
        <translation>哈希</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="73"/>
        <source>Locations</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="74"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="77"/>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="96"/>
        <source>Not hashed yet: hashing runs in the background.</source>
        <translation>尚未计算哈希：正在后台计算。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="112"/>
        <source>missing</source>
        <translation>已丢失</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="113"/>
        <source>linked by VAE Manager</source>
        <translation>由 VAE Manager 链接</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="114"/>
        <source>own copy</source>
        <translation>独立副本</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="127"/>
        <source>In these installs:</source>
        <translation>位于这些安装中：</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="133"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="133"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="135"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="136"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="137"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="138"/>
        <source>Family</source>
        <translation>系列</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="139"/>
        <source>Key layout</source>
        <translation>键名布局</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="140"/>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="142"/>
        <source>Has encoder</source>
        <translation>含编码器</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="145"/>
        <source>First seen</source>
        <translation>首次发现</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_details.py" line="146"/>
        <source>Last seen</source>
        <translation>最近发现</translation>
    </message>
</context>
<context>
    <name>DownloadControls</name>
    <message>
        <location filename="../../app/gui/panels/download_controls.py" line="68"/>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/download_controls.py" line="69"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/download_controls.py" line="70"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/download_controls.py" line="71"/>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/download_controls.py" line="72"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/download_controls.py" line="73"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/download_controls.py" line="74"/>
        <source>Discard</source>
        <translation>丢弃</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/download_controls.py" line="82"/>
        <source>Forget this download and delete its partial file</source>
        <translation>忘记此下载并删除已下载的部分文件</translation>
    </message>
</context>
<context>
    <name>DownloadMessages</name>
    <message>
        <location filename="../../app/gui/download_messages.py" line="92"/>
        <source>Something went wrong inside VAE Manager (a bug); the details are in the log. Try again, or report it.</source>
        <translation>VAE Manager 内部出错（这是程序缺陷），详情已写入日志。请重试或报告此问题。</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="101"/>
        <source>Cannot reach {host}: check the connection or set a mirror.</source>
        <translation>无法访问 {host}：请检查网络连接或设置镜像。</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="108"/>
        <source>This file needs an access token: add your Hugging Face token in Settings.</source>
        <translation>此文件需要访问令牌：请在“设置”中填写你的 Hugging Face 令牌。</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="117"/>
        <source>The access token was refused: check it in Settings and accept the model&apos;s licence on its page.</source>
        <translation>访问令牌被拒绝：请在“设置”中检查令牌，并在模型页面上接受其许可协议。</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="127"/>
        <source>Not found on {host}: the file was moved or removed.</source>
        <translation>在 {host} 上找不到该文件：它已被移动或删除。</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="135"/>
        <source>The downloaded file is not the official one (its SHA-256 differs); it was set aside as {name} and not installed.</source>
        <translation>下载的文件不是官方文件（SHA-256 不同）；已另存为 {name}，未安装。</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="145"/>
        <source>The server {host} is busy (error {code}): try again later or set a mirror.</source>
        <translation>服务器 {host} 繁忙（错误 {code}）：请稍后重试或设置镜像。</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="153"/>
        <source>Cannot connect to {host}: check the connection or set a mirror.</source>
        <translation>无法连接到 {host}：请检查网络连接或设置镜像。</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="161"/>
        <source>The server {host} stopped sending data: try again later or set a mirror.</source>
        <translation>服务器 {host} 停止发送数据：请稍后重试或设置镜像。</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="169"/>
        <source>The connection to {host} failed: check the connection and try again; it continues where it stopped.</source>
        <translation>与 {host} 的连接失败：请检查网络后重试，下载会从中断处继续。</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="178"/>
        <source>The secure connection to {host} failed (certificate problem): check the system clock, a proxy or the mirror setting.</source>
        <translation>与 {host} 的安全连接失败（证书问题）：请检查系统时间、代理或镜像设置。</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="190"/>
        <source>The download was refused.</source>
        <translation>下载被拒绝。</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="221"/>
        <source>In your library</source>
        <translation>已在你的库中</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="227"/>
        <source>No download address known</source>
        <translation>没有已知的下载地址</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="233"/>
        <source>Downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="243"/>
        <source>Waiting for a free download slot…</source>
        <translation>正在等待空闲的下载位置…</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="251"/>
        <source>Stopped when VAE Manager closed.</source>
        <translation>VAE Manager 关闭时已停止。</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="253"/>
        <source>Paused.</source>
        <translation>已暂停。</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="255"/>
        <source>Paused at {size}.</source>
        <translation>已暂停于 {size}。</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="261"/>
        <source>Resume continues where it stopped.</source>
        <translation>点击“继续”会从中断处接着下载。</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="266"/>
        <source>Cancelled; the {size} downloaded so far are kept until you discard them.</source>
        <translation>已取消；已下载的 {size} 会一直保留，直到你丢弃它们。</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="273"/>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="280"/>
        <source>The {size} downloaded so far are kept.</source>
        <translation>已下载的 {size} 已保留。</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="307"/>
        <source>Trying again in {n} s.</source>
        <translation>{n} 秒后重试。</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="320"/>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="321"/>
        <source>downloading</source>
        <translation>下载中</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="322"/>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="323"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="324"/>
        <source>refused</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="325"/>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../app/gui/download_messages.py" line="326"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
</context>
<context>
    <name>DownloadService</name>
    <message>
        <location filename="../../app/gui/downloads_service.py" line="174"/>
        <source>Opening the download queue</source>
        <translation>正在打开下载队列</translation>
    </message>
    <message>
        <location filename="../../app/gui/downloads_service.py" line="213"/>
        <source>Starting download of {name}</source>
        <translation>开始下载 {name}</translation>
    </message>
    <message>
        <location filename="../../app/gui/downloads_service.py" line="227"/>
        <source>Starting download of {url}</source>
        <translation>开始下载 {url}</translation>
    </message>
    <message>
        <location filename="../../app/gui/downloads_service.py" line="307"/>
        <source>Downloading {name}</source>
        <translation>正在下载 {name}</translation>
    </message>
    <message>
        <location filename="../../app/gui/downloads_service.py" line="251"/>
        <source>Discarding a download</source>
        <translation>正在丢弃下载</translation>
    </message>
</context>
<context>
    <name>DownloadSettingsDialog</name>
    <message>
        <location filename="../../app/gui/dialogs/download_settings.py" line="41"/>
        <source>Library and download settings</source>
        <translation>库与下载设置</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/download_settings.py" line="48"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/download_settings.py" line="52"/>
        <source>Library folder:</source>
        <translation>库文件夹：</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/download_settings.py" line="53"/>
        <source>Move the files already in the library there</source>
        <translation>把库中已有的文件一并移过去</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/download_settings.py" line="58"/>
        <source>Downloads and imports go here (VAE/ and checkpoints/ inside). Moving keeps every link working; an interrupted move finishes when you save again.</source>
        <translation>下载和导入的文件放在这里（其中有 VAE/ 和 checkpoints/）。移动后所有链接仍然有效；如果移动中断，再次保存即可完成。</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/download_settings.py" line="65"/>
        <source>Mirror endpoint:</source>
        <translation>镜像地址：</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/download_settings.py" line="70"/>
        <source>Optional. Hugging Face downloads go through this mirror instead (like HF_ENDPOINT).</source>
        <translation>可选。Hugging Face 的下载改走这个镜像（与 HF_ENDPOINT 相同）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/download_settings.py" line="78"/>
        <source>hf_… (only for gated files)</source>
        <translation>hf_…（仅受限文件需要）</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/download_settings.py" line="79"/>
        <source>Access token:</source>
        <translation>访问令牌：</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/download_settings.py" line="83"/>
        <source>Stored in your settings file, readable by you only; never shown in logs.</source>
        <translation>保存在你的设置文件中，仅你本人可读；不会出现在日志里。</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/download_settings.py" line="113"/>
        <source>Reading settings</source>
        <translation>正在读取设置</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/download_settings.py" line="116"/>
        <source>Choose the library folder</source>
        <translation>选择库文件夹</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/download_settings.py" line="140"/>
        <source>Saving settings</source>
        <translation>正在保存设置</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/download_settings.py" line="148"/>
        <source>Library moved</source>
        <translation>库已移动</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/download_settings.py" line="149"/>
        <source>Moved {n} file(s); some stayed where they were.</source>
        <translation>已移动 {n} 个文件；有些文件留在了原处。</translation>
    </message>
</context>
<context>
    <name>DropHandler</name>
    <message>
        <location filename="../../app/gui/main_window/drops.py" line="114"/>
        <source>Looking at the dropped items</source>
        <translation>正在查看拖入的项目</translation>
    </message>
</context>
<context>
    <name>ErrorPresenter</name>
    <message>
        <location filename="../../app/gui/errors.py" line="86"/>
        <source>Cannot do that</source>
        <translation>无法执行</translation>
    </message>
    <message>
        <location filename="../../app/gui/errors.py" line="94"/>
        <source>Something went wrong inside VAE Manager{where}. This is a bug, not something you did.
Your files were not changed by the failed step. The details were written to:
{log}</source>
        <translation>VAE Manager 内部出错了{where}。这是程序的缺陷，不是你的操作问题。
失败的步骤没有改动你的文件。详细信息已写入：
{log}</translation>
    </message>
    <message>
        <location filename="../../app/gui/errors.py" line="98"/>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <location filename="../../app/gui/errors.py" line="114"/>
        <source>You can put back the newest backup of the catalog, or set it aside (nothing is deleted) and rebuild it by scanning your folders again.</source>
        <translation>你可以恢复目录的最新备份，或者将它移到一旁（不会删除任何文件），再重新扫描你的文件夹来重建目录。</translation>
    </message>
    <message>
        <location filename="../../app/gui/errors.py" line="118"/>
        <source>The catalog cannot be used</source>
        <translation>无法使用目录</translation>
    </message>
    <message>
        <location filename="../../app/gui/errors.py" line="124"/>
        <source>You can put back the newest backup of the link records, or set them aside (nothing is deleted) and start empty: the links made so far are then left alone as your own files.</source>
        <translation>可以恢复链接记录的最新备份，或将其移到一旁（不会删除任何内容）并从空记录开始：之前创建的链接将作为你自己的文件保留，不会被改动。</translation>
    </message>
    <message>
        <location filename="../../app/gui/errors.py" line="129"/>
        <source>Set aside</source>
        <translation>移到一旁</translation>
    </message>
    <message>
        <location filename="../../app/gui/errors.py" line="131"/>
        <source>The link records cannot be used</source>
        <translation>无法使用链接记录</translation>
    </message>
    <message>
        <location filename="../../app/gui/errors.py" line="116"/>
        <location filename="../../app/gui/errors.py" line="128"/>
        <source>Restore backup</source>
        <translation>恢复备份</translation>
    </message>
    <message>
        <location filename="../../app/gui/errors.py" line="117"/>
        <source>Rebuild catalog</source>
        <translation>重建目录</translation>
    </message>
</context>
<context>
    <name>Formatting</name>
    <message>
        <location filename="../../app/gui/formatting.py" line="41"/>
        <source>{n} s</source>
        <translation>{n} 秒</translation>
    </message>
    <message>
        <location filename="../../app/gui/formatting.py" line="43"/>
        <source>{m} min {s:02d} s</source>
        <translation>{m} 分 {s:02d} 秒</translation>
    </message>
    <message>
        <location filename="../../app/gui/formatting.py" line="46"/>
        <source>{h} h {m:02d} min</source>
        <translation>{h} 小时 {m:02d} 分</translation>
    </message>
    <message>
        <location filename="../../app/gui/formatting.py" line="65"/>
        <location filename="../../app/gui/formatting.py" line="100"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../app/gui/formatting.py" line="98"/>
        <source>official</source>
        <translation>官方</translation>
    </message>
    <message>
        <location filename="../../app/gui/formatting.py" line="99"/>
        <source>mismatch</source>
        <translation>不符</translation>
    </message>
    <message>
        <location filename="../../app/gui/formatting.py" line="101"/>
        <source>invalid</source>
        <translation>无效</translation>
    </message>
    <message>
        <location filename="../../app/gui/formatting.py" line="102"/>
        <source>unsafe</source>
        <translation>不安全</translation>
    </message>
    <message>
        <location filename="../../app/gui/formatting.py" line="103"/>
        <source>hashing…</source>
        <translation>计算哈希中…</translation>
    </message>
</context>
<context>
    <name>GetVaesPanel</name>
    <message>
        <location filename="../../app/gui/panels/get_vaes.py" line="58"/>
        <source>Get official VAEs</source>
        <translation>获取官方 VAE</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/get_vaes.py" line="59"/>
        <source>The VAEs the model makers published, checked against their known hashes after download. Not sure which one? Read the guide.</source>
        <translation>模型作者发布的 VAE，下载后会与已知哈希核对。不确定选哪个？请看指南。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/get_vaes.py" line="64"/>
        <source>Which VAE should I use?</source>
        <translation>我该用哪个 VAE？</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/get_vaes.py" line="66"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/get_vaes.py" line="83"/>
        <source>Loading the registry…</source>
        <translation>正在加载 VAE 清单…</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/get_vaes.py" line="97"/>
        <source>Paste a download link (https://…/file.safetensors) to fetch any other VAE</source>
        <translation>粘贴下载链接（https://…/file.safetensors）以获取其他任意 VAE</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/get_vaes.py" line="101"/>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/get_vaes.py" line="111"/>
        <source>Show in library</source>
        <translation>在库中显示</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/get_vaes.py" line="116"/>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/get_vaes.py" line="221"/>
        <source>{name} was downloaded and its SHA-256 matches the registry: it is in your library.</source>
        <translation>{name} 已下载，其 SHA-256 与 VAE 清单一致：它已在你的库中。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/get_vaes.py" line="224"/>
        <source>{name} was downloaded into your library.</source>
        <translation>{name} 已下载到你的库中。</translation>
    </message>
</context>
<context>
    <name>GuiLanes</name>
    <message>
        <location filename="../../app/gui/downloads_service.py" line="111"/>
        <source>Saving the download queue</source>
        <translation>正在保存下载队列</translation>
    </message>
</context>
<context>
    <name>GuiOperations</name>
    <message>
        <location filename="../../app/gui/operations.py" line="171"/>
        <source>Reading the undo history</source>
        <translation>读取撤销记录</translation>
    </message>
    <message>
        <location filename="../../app/gui/operations.py" line="159"/>
        <source>Undoing</source>
        <translation>正在撤销</translation>
    </message>
    <message>
        <location filename="../../app/gui/operations.py" line="159"/>
        <source>Undoing {what}</source>
        <translation>正在撤销：{what}</translation>
    </message>
</context>
<context>
    <name>GuideDialog</name>
    <message>
        <location filename="../../app/gui/dialogs/guide.py" line="17"/>
        <source>Which VAE should I use?</source>
        <translation>我该用哪个 VAE？</translation>
    </message>
</context>
<context>
    <name>HashSource</name>
    <message>
        <location filename="../../app/gui/library_model.py" line="165"/>
        <source>A1111&apos;s cache.json</source>
        <translation>A1111 的 cache.json</translation>
    </message>
    <message>
        <location filename="../../app/gui/library_model.py" line="166"/>
        <source>SD.Next&apos;s cache.json</source>
        <translation>SD.Next 的 cache.json</translation>
    </message>
    <message>
        <location filename="../../app/gui/library_model.py" line="168"/>
        <source>Stability Matrix&apos;s .cm-info.json</source>
        <translation>Stability Matrix 的 .cm-info.json</translation>
    </message>
    <message>
        <location filename="../../app/gui/library_model.py" line="163"/>
        <source>hash computed by VAE Manager</source>
        <translation>哈希由 VAE Manager 计算</translation>
    </message>
    <message>
        <location filename="../../app/gui/library_model.py" line="172"/>
        <source>hash read from {where}, not checked by VAE Manager</source>
        <translation>哈希读取自 {where}，未经 VAE Manager 核实</translation>
    </message>
    <message>
        <location filename="../../app/gui/library_model.py" line="167"/>
        <source>the A1111/Forge hash cache</source>
        <translation>A1111/Forge 的哈希缓存</translation>
    </message>
</context>
<context>
    <name>ImageTile</name>
    <message>
        <location filename="../../app/gui/panels/image_views.py" line="98"/>
        <source>Save as PNG…</source>
        <translation>另存为 PNG…</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/image_views.py" line="121"/>
        <source>Save the decoded image</source>
        <translation>保存解码后的图片</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/image_views.py" line="122"/>
        <source>PNG images (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
</context>
<context>
    <name>Import</name>
    <message>
        <location filename="../../app/gui/import_task.py" line="75"/>
        <source>imported</source>
        <translation>已导入</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_task.py" line="76"/>
        <source>already in the library</source>
        <translation>已在库中</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_task.py" line="77"/>
        <source>skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_task.py" line="78"/>
        <source>refused</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_task.py" line="79"/>
        <source>VAE extracted</source>
        <translation>已提取 VAE</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_task.py" line="80"/>
        <source>converted to .safetensors</source>
        <translation>已转换为 .safetensors</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_task.py" line="93"/>
        <source>baked-in VAE: {vae}</source>
        <translation>内置 VAE：{vae}</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_task.py" line="103"/>
        <source>{added} imported</source>
        <translation>已导入 {added} 个</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_task.py" line="105"/>
        <source>{n} already there or skipped</source>
        <translation>{n} 个已存在或已跳过</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_task.py" line="108"/>
        <source>{n} refused ({name}: {why})</source>
        <translation>{n} 个被拒绝（{name}：{why}）</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../app/gui/dialogs/import_dialog.py" line="53"/>
        <source>Import into the library</source>
        <translation>导入到库</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/import_dialog.py" line="60"/>
        <source>{n} item(s) dropped. VAEs go to the library&apos;s VAE folder and full checkpoints to its checkpoints folder; files already in the catalog are not stored twice; unsafe or damaged files are refused.</source>
        <translation>拖入了 {n} 个项目。VAE 放入库的 VAE 文件夹，完整大模型放入其 checkpoints 文件夹；目录中已有的文件不会重复存放；不安全或已损坏的文件会被拒绝。</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/import_dialog.py" line="70"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/import_dialog.py" line="70"/>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/import_dialog.py" line="79"/>
        <source>The import runs in the background: follow it, cancel it and read its results in the task panel.</source>
        <translation>导入在后台进行：可在任务面板中查看进度、取消并阅读结果。</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/import_dialog.py" line="85"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/import_dialog.py" line="94"/>
        <source>How</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/import_dialog.py" line="99"/>
        <source>Copy (keep the originals)</source>
        <translation>复制（保留原文件）</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/import_dialog.py" line="100"/>
        <source>Move</source>
        <translation>移动</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/import_dialog.py" line="101"/>
        <source>Hard link (same drive, no extra space)</source>
        <translation>硬链接（同一磁盘，不占额外空间）</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/import_dialog.py" line="114"/>
        <source>Also extract the VAE of each checkpoint into a standalone .safetensors</source>
        <translation>同时把每个大模型的 VAE 提取为独立的 .safetensors</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/import_dialog.py" line="117"/>
        <source>Store pickled VAEs (.ckpt, .pt) as .safetensors (checked to be identical)</source>
        <translation>把 pickle 格式的 VAE（.ckpt、.pt）存为 .safetensors（会校验内容完全一致）</translation>
    </message>
</context>
<context>
    <name>ImportTasks</name>
    <message>
        <location filename="../../app/gui/import_task.py" line="131"/>
        <source>Importing {n} item(s)</source>
        <translation>正在导入 {n} 个项目</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_task.py" line="135"/>
        <source>Importing {name}</source>
        <translation>正在导入 {name}</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_task.py" line="149"/>
        <source>Import done: {summary}</source>
        <translation>导入完成：{summary}</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_task.py" line="154"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_task.py" line="158"/>
        <source>Import cancelled; the files imported before it stay.</source>
        <translation>导入已取消；此前已导入的文件保留。</translation>
    </message>
</context>
<context>
    <name>InstallsPanel</name>
    <message>
        <location filename="../../app/gui/panels/installs.py" line="47"/>
        <source>Installs</source>
        <translation>安装</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/installs.py" line="48"/>
        <source>The UIs VAE Manager links VAEs into. Each folder says why it is one: a default, a launch flag or a config file.</source>
        <translation>VAE Manager 会把 VAE 链接到这些界面中。每个文件夹都注明了来由：默认位置、启动参数或配置文件。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/installs.py" line="53"/>
        <location filename="../../app/gui/panels/installs.py" line="79"/>
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/installs.py" line="56"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/installs.py" line="59"/>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/installs.py" line="61"/>
        <source>Rescan</source>
        <translation>重新扫描</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/installs.py" line="67"/>
        <source>Tip: drop a UI&apos;s folder on this window to add it.</source>
        <translation>提示：把界面的文件夹拖到本窗口即可添加。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/installs.py" line="74"/>
        <source>No Stable Diffusion UI found yet</source>
        <translation>尚未找到 Stable Diffusion 界面</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/installs.py" line="75"/>
        <source>VAE Manager looks for AUTOMATIC1111, Forge, reForge, SD.Next, ComfyUI, InvokeAI, Fooocus, SwarmUI and Stability Matrix. If yours is elsewhere, add its folder or drop it on this window.</source>
        <translation>VAE Manager 会查找 AUTOMATIC1111、Forge、reForge、SD.Next、ComfyUI、InvokeAI、Fooocus、SwarmUI 和 Stability Matrix。如果你的安装在别处，请添加它的文件夹，或把它拖到本窗口。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/installs.py" line="84"/>
        <source>Install / folder</source>
        <translation>安装 / 文件夹</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/installs.py" line="84"/>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/installs.py" line="85"/>
        <source>Why</source>
        <translation>来由</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/installs.py" line="107"/>
        <source>VAE folder</source>
        <translation>VAE 文件夹</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/installs.py" line="110"/>
        <source>Checkpoint folder</source>
        <translation>大模型文件夹</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/installs.py" line="114"/>
        <source>No VAE folder known</source>
        <translation>没有已知的 VAE 文件夹</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/installs.py" line="126"/>
        <source>(not created yet)</source>
        <translation>（尚未创建）</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/installs.py" line="135"/>
        <source>Choose the folder of a Stable Diffusion UI</source>
        <translation>选择 Stable Diffusion 界面的文件夹</translation>
    </message>
</context>
<context>
    <name>LibraryActions</name>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="232"/>
        <source>Moved to the trash</source>
        <translation>已移到回收站</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="229"/>
        <source>{n} file(s) moved to the trash.</source>
        <translation>已把 {n} 个文件移到回收站。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="84"/>
        <source>The file changed since it was cataloged; the catalog is updated.</source>
        <translation>文件在编入目录后发生了变化；目录已更新。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="86"/>
        <source>The bytes are the ones the catalog recorded.</source>
        <translation>文件内容与目录记录的一致。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="87"/>
        <source>{name}: {verdict} ({message}).
{same}</source>
        <translation>{name}：{verdict}（{message}）。
{same}</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="93"/>
        <source>Verified</source>
        <translation>校验完成</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="95"/>
        <source>Verifying {name}</source>
        <translation>正在校验 {name}</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="119"/>
        <source>Removed {n} link(s).</source>
        <translation>已移除 {n} 个链接。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="121"/>
        <location filename="../../app/gui/panels/library_actions.py" line="231"/>
        <source>Left alone:</source>
        <translation>保留未动：</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="122"/>
        <source>Unlinked</source>
        <translation>已取消链接</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="124"/>
        <source>Unlinking {name}</source>
        <translation>正在取消链接 {name}</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="139"/>
        <source>{install} now uses {name} by default ({key} in {config}).</source>
        <translation>{install} 现在默认使用 {name}（{config} 中的 {key}）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="171"/>
        <source>none: there was no config.json yet</source>
        <translation>无：之前还没有 config.json</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="172"/>
        <source>Backup of the previous settings: {backup}</source>
        <translation>原设置的备份：{backup}</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="142"/>
        <source>Default VAE set</source>
        <translation>已设置默认 VAE</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="146"/>
        <source>Setting the default VAE of {install}</source>
        <translation>正在设置 {install} 的默认 VAE</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="160"/>
        <source>{install} now picks its VAE automatically ({key} in {config}).</source>
        <translation>{install} 现在自动选择 VAE（{config} 中的 {key}）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="162"/>
        <source>Default VAE reset</source>
        <translation>已重置默认 VAE</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="166"/>
        <source>Resetting the default VAE of {install}</source>
        <translation>正在重置 {install} 的默认 VAE</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="187"/>
        <source>Renaming {name}</source>
        <translation>正在重命名 {name}</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="195"/>
        <source>Move to the trash?</source>
        <translation>移到回收站？</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="197"/>
        <source>Move {name} to the trash? Links VAE Manager made of it are removed; these files go to the trash (you can restore them from there):

{paths}</source>
        <translation>把 {name} 移到回收站吗？VAE Manager 为它创建的链接会被移除；以下文件会进入回收站（可以从那里恢复）：

{paths}</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="206"/>
        <source>Move to trash</source>
        <translation>移到回收站</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library_actions.py" line="236"/>
        <source>Moving {name} to the trash</source>
        <translation>正在把 {name} 移到回收站</translation>
    </message>
</context>
<context>
    <name>LibraryModel</name>
    <message>
        <location filename="../../app/gui/library_model.py" line="44"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../app/gui/library_model.py" line="45"/>
        <source>Family</source>
        <translation>系列</translation>
    </message>
    <message>
        <location filename="../../app/gui/library_model.py" line="46"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/gui/library_model.py" line="47"/>
        <source>AutoV2</source>
        <translation>AutoV2</translation>
    </message>
    <message>
        <location filename="../../app/gui/library_model.py" line="49"/>
        <source>Verdict</source>
        <translation>判定</translation>
    </message>
    <message>
        <location filename="../../app/gui/library_model.py" line="48"/>
        <source>Linked in</source>
        <translation>已链接到</translation>
    </message>
    <message>
        <location filename="../../app/gui/library_model.py" line="107"/>
        <source>{name} (missing)</source>
        <translation>{name}（已丢失）</translation>
    </message>
    <message>
        <location filename="../../app/gui/library_model.py" line="133"/>
        <source>{path} (missing)</source>
        <translation>{path}（已丢失）</translation>
    </message>
    <message>
        <location filename="../../app/gui/library_model.py" line="145"/>
        <source>{label}: linked by VAE Manager</source>
        <translation>{label}：由 VAE Manager 链接</translation>
    </message>
    <message>
        <location filename="../../app/gui/library_model.py" line="147"/>
        <source>{label}: a file of its own there</source>
        <translation>{label}：那里有一份独立的文件</translation>
    </message>
</context>
<context>
    <name>LibraryPanel</name>
    <message>
        <location filename="../../app/gui/panels/library.py" line="73"/>
        <source>Library</source>
        <translation>库</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="74"/>
        <source>Every VAE file VAE Manager knows: where it is, whether it is genuine, and which of your UIs can use it.</source>
        <translation>VAE Manager 知道的每个 VAE 文件：在哪里、是否为原版、哪些界面可以使用。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="82"/>
        <source>Reading the catalog…</source>
        <translation>正在读取目录…</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="94"/>
        <source>Filter by name, hash, family, install…</source>
        <translation>按名称、哈希、系列、安装筛选…</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="100"/>
        <source>All verdicts</source>
        <translation>全部判定</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="107"/>
        <source>Show missing files</source>
        <translation>显示已丢失的文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="115"/>
        <source>Your library is empty</source>
        <translation>你的库是空的</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="116"/>
        <source>Drop VAE files or folders anywhere on this window, download an official VAE, or add the folder of a Stable Diffusion UI so its VAEs are listed here.</source>
        <translation>把 VAE 文件或文件夹拖到本窗口任意位置、下载官方 VAE，或添加 Stable Diffusion 界面的文件夹，它的 VAE 就会列在这里。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="119"/>
        <source>Get official VAEs</source>
        <translation>获取官方 VAE</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="122"/>
        <source>Import files…</source>
        <translation>导入文件…</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="123"/>
        <source>Add install folder…</source>
        <translation>添加安装文件夹…</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="157"/>
        <location filename="../../app/gui/panels/library.py" line="396"/>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="190"/>
        <source>Verify</source>
        <translation>校验</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="191"/>
        <source>Reveal</source>
        <translation>打开位置</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="192"/>
        <source>Link</source>
        <translation>链接</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="194"/>
        <source>Default</source>
        <translation>设为默认</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="196"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="199"/>
        <source>Read the file again and check it against the catalog and registry</source>
        <translation>重新读取文件，并与目录和 VAE 清单核对</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="200"/>
        <source>Show the file in your file manager</source>
        <translation>在文件管理器中显示该文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="201"/>
        <source>Choose the UIs that should list this VAE</source>
        <translation>选择需要列出此 VAE 的界面</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="202"/>
        <source>Remove every link VAE Manager made of this file</source>
        <translation>移除 VAE Manager 为此文件创建的所有链接</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="203"/>
        <source>Make it the default VAE of an AUTOMATIC1111-style install</source>
        <translation>设为 AUTOMATIC1111 类安装的默认 VAE</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="204"/>
        <source>Decode the test card with the selected VAEs</source>
        <translation>用所选 VAE 解码测试卡</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="205"/>
        <source>Move the file to the trash</source>
        <translation>把文件移到回收站</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="357"/>
        <source>Reset {install} to Automatic</source>
        <translation>将 {install} 重置为自动（Automatic）</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="369"/>
        <source>It is named after its copy in the library; rename that file instead.</source>
        <translation>它以库中副本的文件名命名；请改为重命名那个文件。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="371"/>
        <source>This file is not hashed yet; wait for hashing to finish.</source>
        <translation>此文件尚未计算哈希；请等待哈希计算完成。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="377"/>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="379"/>
        <source>A name for this file in VAE Manager (the files keep their names; empty: named after its file again):</source>
        <translation>此文件在 VAE Manager 中的名称（文件本身保留原名；留空：重新以文件名命名）：</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="193"/>
        <source>Unlink</source>
        <translation>取消链接</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="195"/>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="287"/>
        <source>No file selected</source>
        <translation>未选择文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="336"/>
        <source>No AUTOMATIC1111, Forge or reForge install found</source>
        <translation>未找到 AUTOMATIC1111、Forge 或 reForge 安装</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/library.py" line="347"/>
        <source>In {install}</source>
        <translation>在 {install} 中</translation>
    </message>
</context>
<context>
    <name>LinkDialog</name>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="369"/>
        <source>Edit → Undo reverses this.</source>
        <translation>可用“编辑 → 撤销”还原。</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="117"/>
        <source>Link {name}</source>
        <translation>链接 {name}</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="127"/>
        <source>Tick the UIs that should list &lt;b&gt;{name}&lt;/b&gt; in their VAE menu. VAE Manager links the file (no second copy when the drive allows it), never replaces a different file of the same name, and only removes links it made itself.</source>
        <translation>勾选需要在 VAE 菜单中列出 &lt;b&gt;{name}&lt;/b&gt; 的界面。VAE Manager 会链接该文件（磁盘允许时不产生第二份拷贝），绝不替换同名的其他文件，并且只移除自己创建的链接。</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="137"/>
        <source>Install</source>
        <translation>安装</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="137"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="137"/>
        <source>How</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="137"/>
        <source>VAE folder</source>
        <translation>VAE 文件夹</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="151"/>
        <source>Checking each install…</source>
        <translation>正在检查各个安装…</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="169"/>
        <source>No installs known yet: add one in the Installs panel.</source>
        <translation>还没有已知的安装：请在“安装”面板中添加。</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="172"/>
        <source>The file is missing, so it cannot be linked.</source>
        <translation>文件已丢失，无法链接。</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="178"/>
        <source>Checking where {name} is linked</source>
        <translation>正在检查 {name} 链接到了哪里</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="206"/>
        <source>{n} install(s) cannot take this file; the reason is in the Status column.</source>
        <translation>有 {n} 个安装无法接收此文件；原因见“状态”列。</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="207"/>
        <source>Tick or untick, then Apply.</source>
        <translation>勾选或取消勾选，然后点击“应用”。</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="263"/>
        <source>{install} reads it: {source}</source>
        <translation>{install} 会读取它：{source}</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="275"/>
        <source>{folder} is not writable</source>
        <translation>{folder} 不可写入</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="276"/>
        <source>{folder} does not exist</source>
        <translation>{folder} 不存在</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="277"/>
        <source>{folder} is a system or root folder: nothing is written there</source>
        <translation>{folder} 是系统或根文件夹：不会向其中写入任何内容</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="278"/>
        <source>{folder} already holds another file of that name</source>
        <translation>{folder} 中已有另一个同名文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="295"/>
        <source>the same folder as {install}</source>
        <translation>与 {install} 是同一个文件夹</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="297"/>
        <source>not there</source>
        <translation>不在其中</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="300"/>
        <source>{default} cannot be written; {folder} can</source>
        <translation>{default} 无法写入；{folder} 可以</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="304"/>
        <source>{n} folders it reads can take it: pick one</source>
        <translation>它读取的 {n} 个文件夹都可以放入：请选择一个</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="310"/>
        <source>linked by VAE Manager</source>
        <translation>由 VAE Manager 链接</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="313"/>
        <source>already there: {file} is this file (a link)</source>
        <translation>已存在：{file} 就是此文件（链接）</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="314"/>
        <source>already there: {file} has the same SHA-256</source>
        <translation>已存在：{file} 的 SHA-256 相同</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="317"/>
        <source>conflict: {reason}</source>
        <translation>冲突：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="321"/>
        <source>cannot link: no folder it reads can be written ({why})</source>
        <translation>无法链接：它读取的文件夹都不可写入（{why}）</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="324"/>
        <source>cannot link: {reason}</source>
        <translation>无法链接：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="347"/>
        <source>Nothing to change.</source>
        <translation>没有需要更改的。</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="351"/>
        <source>Applying…</source>
        <translation>正在应用…</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="353"/>
        <source>Linking {name}</source>
        <translation>正在链接 {name}</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="365"/>
        <source>Linked into {a} install(s), removed from {b}.</source>
        <translation>已链接到 {a} 个安装，从 {b} 个安装中移除。</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="367"/>
        <source>Not done: {what}</source>
        <translation>未完成：{what}</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="378"/>
        <source>Linking</source>
        <translation>链接</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/link_dialog.py" line="319"/>
        <source>cannot use it: {reason}</source>
        <translation>无法使用：{reason}</translation>
    </message>
</context>
<context>
    <name>LinkRecordsRecovery</name>
    <message>
        <location filename="../../app/gui/link_records_recovery.py" line="33"/>
        <source>Restoring the link records&apos; backup</source>
        <translation>正在恢复链接记录的备份</translation>
    </message>
    <message>
        <location filename="../../app/gui/link_records_recovery.py" line="36"/>
        <source>Setting the link records aside</source>
        <translation>正在将链接记录移到一旁</translation>
    </message>
    <message>
        <location filename="../../app/gui/link_records_recovery.py" line="40"/>
        <source> The previous file was kept as {path}.</source>
        <translation> 原来的文件已保留为 {path}。</translation>
    </message>
    <message>
        <location filename="../../app/gui/link_records_recovery.py" line="42"/>
        <source>Link records restored</source>
        <translation>链接记录已恢复</translation>
    </message>
    <message>
        <location filename="../../app/gui/link_records_recovery.py" line="43"/>
        <source>The link records were restored from {path}.</source>
        <translation>链接记录已从 {path} 恢复。</translation>
    </message>
    <message>
        <location filename="../../app/gui/link_records_recovery.py" line="50"/>
        <source>The app starts with empty link records: the links it made so far are left alone as your own files.</source>
        <translation>应用将从空的链接记录开始：之前创建的链接将作为你自己的文件保留，不会被改动。</translation>
    </message>
    <message>
        <location filename="../../app/gui/link_records_recovery.py" line="54"/>
        <source> The old file was kept as {path}.</source>
        <translation>旧文件已保留为 {path}。</translation>
    </message>
    <message>
        <location filename="../../app/gui/link_records_recovery.py" line="55"/>
        <source>Link records set aside</source>
        <translation>链接记录已移到一旁</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/gui/main_window/window.py" line="473"/>
        <source>Fix what is named above, then choose Edit → Undo again.</source>
        <translation>请先处理上面列出的问题，然后再次选择“编辑 → 撤销”。</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/window.py" line="476"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/window.py" line="205"/>
        <source>Library</source>
        <translation>库</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/window.py" line="206"/>
        <source>Checkpoints</source>
        <translation>大模型</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/window.py" line="207"/>
        <source>Installs</source>
        <translation>安装</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/window.py" line="208"/>
        <source>Get official VAEs</source>
        <translation>获取官方 VAE</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/window.py" line="209"/>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/tasks_dock.py" line="39"/>
        <source>Background tasks</source>
        <translation>后台任务</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/window.py" line="629"/>
        <source>Downloaded {name}: it is in your library.</source>
        <translation>已下载 {name}：它已在你的库中。</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/window.py" line="639"/>
        <source>Download of {name} stopped: {reason}</source>
        <translation>{name} 的下载已停止：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/window.py" line="409"/>
        <source>Choose model files to import</source>
        <translation>选择要导入的模型文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/window.py" line="411"/>
        <source>Model files (*.safetensors *.ckpt *.pt *.pth *.bin *.sft)</source>
        <translation>模型文件 (*.safetensors *.ckpt *.pt *.pth *.bin *.sft)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/window.py" line="537"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/window.py" line="537"/>
        <source>The new language is used from the next start.</source>
        <translation>新语言将在下次启动时生效。</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/window.py" line="622"/>
        <source>Scan done: {added} new, {updated} changed, {missing} missing.</source>
        <translation>扫描完成：新增 {added} 个，变化 {updated} 个，丢失 {missing} 个。</translation>
    </message>
</context>
<context>
    <name>Menus</name>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="75"/>
        <location filename="../../app/gui/main_window/menus.py" line="119"/>
        <source>Nothing to undo</source>
        <translation>没有可撤销的操作</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="64"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="65"/>
        <source>&amp;Import files…</source>
        <translation>导入文件(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="66"/>
        <source>&amp;Add install folder…</source>
        <translation>添加安装文件夹(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="68"/>
        <source>&amp;Rescan everything</source>
        <translation>全部重新扫描(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="69"/>
        <source>Library and download &amp;settings…</source>
        <translation>库与下载设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="72"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="74"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="78"/>
        <source>&amp;Filter the library</source>
        <translation>筛选库(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="79"/>
        <source>&amp;Link selected VAE…</source>
        <translation>链接所选 VAE(&amp;L)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="80"/>
        <source>&amp;Preview selected VAEs</source>
        <translation>预览所选 VAE(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="82"/>
        <source>&amp;Verify selected VAE</source>
        <translation>校验所选 VAE(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="84"/>
        <source>&amp;Move selected VAE to the trash…</source>
        <translation>把所选 VAE 移到回收站(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="87"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="92"/>
        <source>Background &amp;tasks</source>
        <translation>后台任务(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="96"/>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="97"/>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="97"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="98"/>
        <source>T&amp;heme</source>
        <translation>主题(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="100"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="103"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="104"/>
        <source>&amp;Which VAE should I use?</source>
        <translation>我该用哪个 VAE(&amp;W)？</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window/menus.py" line="106"/>
        <source>&amp;About VAE Manager</source>
        <translation>关于 VAE Manager(&amp;A)</translation>
    </message>
</context>
<context>
    <name>PairDialog</name>
    <message>
        <location filename="../../app/gui/dialogs/pair_dialog.py" line="53"/>
        <source>Pair with VAE</source>
        <translation>与 VAE 配对</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/pair_dialog.py" line="57"/>
        <source>Make {install} load a VAE whenever {checkpoint} is selected.</source>
        <translation>让 {install} 在选中 {checkpoint} 时总是加载一个 VAE。</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/pair_dialog.py" line="69"/>
        <source>VAE:</source>
        <translation>VAE：</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/pair_dialog.py" line="72"/>
        <source>Preferred VAE / Text encoder(s) (Forge)</source>
        <translation>首选 VAE / 文本编码器（Forge）</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/pair_dialog.py" line="75"/>
        <source>A VAE file beside the checkpoint (&lt;name&gt;.vae.safetensors)</source>
        <translation>大模型旁边的 VAE 文件（&lt;name&gt;.vae.safetensors）</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/pair_dialog.py" line="76"/>
        <source>&quot;Preferred VAE&quot; in the checkpoint&apos;s user metadata</source>
        <translation>大模型用户元数据中的“首选 VAE”</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/pair_dialog.py" line="77"/>
        <source>Both</source>
        <translation>两者</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/pair_dialog.py" line="81"/>
        <source>How:</source>
        <translation>方式：</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs/pair_dialog.py" line="86"/>
        <source>Pair</source>
        <translation>配对</translation>
    </message>
</context>
<context>
    <name>PreviewPanel</name>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="80"/>
        <location filename="../../app/gui/panels/preview.py" line="366"/>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="81"/>
        <source>Decode the same latent with several VAEs and compare eyes, faces, text and colour at the pixel level. Zoom and pan move all images together.</source>
        <translation>用多个 VAE 解码同一个潜变量，在像素级别比较眼睛、面部、文字和颜色。缩放和平移会同步作用于所有图片。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="92"/>
        <source>Nothing decoded yet</source>
        <translation>尚未解码</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="93"/>
        <source>Pick one to four VAEs on the left and press Decode. The test card holds fine text, thin lines, gradients and a face: what VAEs get wrong first.</source>
        <translation>在左侧选择一到四个 VAE，然后点击“解码”。测试卡包含细小文字、细线、渐变和一张脸：这些正是 VAE 最先出错的地方。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="113"/>
        <source>GPU preview is not available</source>
        <translation>GPU 预览不可用</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="128"/>
        <source>VAEs to compare</source>
        <translation>要比较的 VAE</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="142"/>
        <source>Decode on</source>
        <translation>解码设备</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="148"/>
        <location filename="../../app/gui/panels/preview.py" line="157"/>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="154"/>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="158"/>
        <source>Precision:</source>
        <translation>精度：</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="161"/>
        <source>Decode</source>
        <translation>解码</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="165"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="178"/>
        <source>Latent</source>
        <translation>潜变量</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="181"/>
        <source>Test card (encoded by each VAE)</source>
        <translation>测试卡（由各 VAE 编码）</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="183"/>
        <source>Latent file (.latent, .safetensors, .npy)</source>
        <translation>潜变量文件（.latent、.safetensors、.npy）</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="184"/>
        <source>Your image (PNG, round trip)</source>
        <translation>你的图片（PNG，编码后再解码）</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="189"/>
        <source>no file chosen</source>
        <translation>未选择文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="191"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="196"/>
        <source>Latent is scaled (diffusion model space)</source>
        <translation>潜变量已缩放（扩散模型空间）</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="203"/>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="204"/>
        <source>100 %</source>
        <translation>100 %</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="205"/>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="206"/>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="234"/>
        <source>— none —</source>
        <translation>— 无 —</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="234"/>
        <source>— choose a VAE —</source>
        <translation>— 选择 VAE —</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="269"/>
        <source>Choose at least one VAE.</source>
        <translation>请至少选择一个 VAE。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="272"/>
        <source>Choose the file to decode first.</source>
        <translation>请先选择要解码的文件。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="277"/>
        <location filename="../../app/gui/panels/preview.py" line="359"/>
        <source>Preparing the preview</source>
        <translation>正在准备预览</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="286"/>
        <source>Decoding with {name}</source>
        <translation>正在用 {name} 解码</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="298"/>
        <source>Decoding… the first decode loads the engine (a few seconds).</source>
        <translation>正在解码… 第一次解码需要加载引擎（几秒钟）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="313"/>
        <source>waiting to decode…</source>
        <translation>等待解码…</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="328"/>
        <source>approximate preview (no VAE yet)</source>
        <translation>近似预览（尚未使用 VAE）</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="329"/>
        <source>original, before decoding</source>
        <translation>原图，解码之前</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="333"/>
        <source>decoding…</source>
        <translation>解码中…</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="351"/>
        <source>tiled</source>
        <translation>分块</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="371"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="373"/>
        <source>internal error (a bug): the details were written to the log</source>
        <translation>内部错误（程序缺陷）：详细信息已写入日志</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="384"/>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="385"/>
        <source>{n} decode(s) failed; the reason is under each image.</source>
        <translation>有 {n} 次解码失败；原因见各图片下方。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="387"/>
        <source>Done. Wheel to zoom, drag to pan; all images follow.</source>
        <translation>完成。滚轮缩放，拖动平移；所有图片同步。</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="393"/>
        <source>PNG images (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="396"/>
        <source>Latents (*.latent *.safetensors *.npy)</source>
        <translation>潜变量 (*.latent *.safetensors *.npy)</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/preview.py" line="397"/>
        <source>Choose the file to decode</source>
        <translation>选择要解码的文件</translation>
    </message>
</context>
<context>
    <name>Registry</name>
    <message>
        <location filename="../../app/gui/registry_text.py" line="18"/>
        <source>SD 1.x/2.x: Stability&apos;s EMA fine-tune of the decoder; slightly sharper detail than the stock VAE, better eyes and small faces. Prefer the .safetensors copy.</source>
        <translation>SD 1.x/2.x：Stability 对解码器做的 EMA 微调；细节比原版 VAE 稍锐利，眼睛和小脸更好。建议使用 .safetensors 版本。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="19"/>
        <source>SD 1.x/2.x: the EMA fine-tune as safetensors; sharper detail than MSE, a good default for photos.</source>
        <translation>SD 1.x/2.x：EMA 微调的 safetensors 版本；细节比 MSE 更锐利，写实照片的好默认选择。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="20"/>
        <source>SD 1.x/2.x: Stability&apos;s MSE fine-tune; smoother output than EMA, the most common choice. Prefer the .safetensors copy.</source>
        <translation>SD 1.x/2.x：Stability 的 MSE 微调；输出比 EMA 更平滑，最常用的选择。建议使用 .safetensors 版本。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="21"/>
        <source>SD 1.x/2.x: the MSE fine-tune as safetensors; smoother, the safe default for most SD1.5 models.</source>
        <translation>SD 1.x/2.x：MSE 微调的 safetensors 版本；更平滑，大多数 SD1.5 模型的稳妥默认选择。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="22"/>
        <source>SD 1.x/2.x: the MSE fine-tune in diffusers layout (for diffusers pipelines and folders; A1111 and ComfyUI prefer the original file).</source>
        <translation>SD 1.x/2.x：diffusers 布局的 MSE 微调（用于 diffusers 管线和文件夹；A1111 和 ComfyUI 更适合用原始文件）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="23"/>
        <source>SD 1.x/2.x: the EMA fine-tune in diffusers layout (for diffusers pipelines).</source>
        <translation>SD 1.x/2.x：diffusers 布局的 EMA 微调（用于 diffusers 管线）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="24"/>
        <source>SD 1.5: the stock kl-f8 VAE that every v1-5 checkpoint already carries; an external copy changes nothing.</source>
        <translation>SD 1.5：每个 v1-5 大模型都已内置的原版 kl-f8 VAE；外挂一份不会有任何变化。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="25"/>
        <source>SDXL: Stability&apos;s SDXL 1.0 VAE; produces NaN/black images in fp16, so decode it in fp32/bf16 (--no-half-vae) or use the fp16-fix.</source>
        <translation>SDXL：Stability 的 SDXL 1.0 VAE；在 fp16 下会产生 NaN/黑图，请用 fp32/bf16 解码（--no-half-vae），或改用 fp16-fix。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="26"/>
        <source>SDXL: the SDXL 1.0 VAE in diffusers layout (for diffusers pipelines).</source>
        <translation>SDXL：diffusers 布局的 SDXL 1.0 VAE（用于 diffusers 管线）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="27"/>
        <source>SDXL: madebyollin&apos;s fp16-fix, nearly identical output to the SDXL VAE but safe in half precision; the pick for SDXL on most GPUs.</source>
        <translation>SDXL：madebyollin 的 fp16-fix，输出与 SDXL VAE 几乎相同，但在半精度下安全；大多数显卡上 SDXL 的首选。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="28"/>
        <source>SD 3 / 3.5: the 16-channel SD3 VAE (SwarmUI&apos;s mirror of the gated official file).</source>
        <translation>SD 3 / 3.5：16 通道的 SD3 VAE（SwarmUI 对受限官方文件的镜像）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="29"/>
        <source>FLUX.1: Black Forest Labs&apos; 16-channel autoencoder (ae.safetensors), needed by every FLUX.1 model.</source>
        <translation>FLUX.1：Black Forest Labs 的 16 通道自编码器（ae.safetensors），每个 FLUX.1 模型都需要它。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="30"/>
        <source>SD 1.x anime: Waifu Diffusion&apos;s kl-f8-anime2, tuned for anime; vivid colours. A pickle (.ckpt): prefer a converted safetensors copy.</source>
        <translation>SD 1.x 动漫：Waifu Diffusion 的 kl-f8-anime2，针对动漫调校，色彩鲜艳。它是 pickle 格式（.ckpt）：建议使用转换后的 safetensors 版本。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="31"/>
        <source>SD 1.x anime: the OrangeMix VAE (likely the same bytes as the NAI/Anything VAE); hash not yet confirmed.</source>
        <translation>SD 1.x 动漫：OrangeMix VAE（很可能与 NAI/Anything VAE 字节相同）；哈希尚未确认。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="32"/>
        <source>SD 1.x anime: the NAI/Anything VAE (weights equal the SD 1.4 kl-f8 VAE); washed-out colours are common, MSE is usually better.</source>
        <translation>SD 1.x 动漫：NAI/Anything VAE（权重与 SD 1.4 的 kl-f8 VAE 相同）；常见颜色发灰，通常 MSE 更好。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="33"/>
        <source>SD 1.x: TAESD tiny decoder for instant live previews; not for final images.</source>
        <translation>SD 1.x：TAESD 微型解码器，用于即时预览；不适合出最终成品。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="34"/>
        <source>SDXL: TAESDXL tiny decoder for instant live previews; not for final images.</source>
        <translation>SDXL：TAESDXL 微型解码器，用于即时预览；不适合出最终成品。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="35"/>
        <source>SD 3: TAESD3 tiny decoder for instant live previews; not for final images.</source>
        <translation>SD 3：TAESD3 微型解码器，用于即时预览；不适合出最终成品。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="36"/>
        <source>FLUX.1: TAEF1 tiny decoder for instant live previews; not for final images.</source>
        <translation>FLUX.1：TAEF1 微型解码器，用于即时预览；不适合出最终成品。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="37"/>
        <source>FLUX.2: the 32-channel FLUX.2 autoencoder with its BatchNorm latent statistics, needed by FLUX.2 dev; ComfyUI only.</source>
        <translation>FLUX.2：32 通道的 FLUX.2 自编码器，带 BatchNorm 潜空间统计量，FLUX.2 dev 需要它；仅 ComfyUI 可用。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="38"/>
        <source>FLUX.2 klein: the FLUX.2 autoencoder as shipped with FLUX.2 klein (same size as Black Forest Labs&apos; ae.safetensors); ComfyUI only.</source>
        <translation>FLUX.2 klein：随 FLUX.2 klein 发布的 FLUX.2 自编码器（与 Black Forest Labs 的 ae.safetensors 大小相同）；仅 ComfyUI 可用。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="39"/>
        <source>Wan 2.1 and Wan 2.2 14B: the 16-channel causal video VAE; ComfyUI only.</source>
        <translation>Wan 2.1 与 Wan 2.2 14B：16 通道因果视频 VAE；仅 ComfyUI 可用。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="40"/>
        <source>Wan 2.2 TI2V 5B only: the 48-channel, 16x video VAE (the 14B models use the Wan 2.1 VAE); ComfyUI only.</source>
        <translation>仅限 Wan 2.2 TI2V 5B：48 通道、16 倍压缩的视频 VAE（14B 模型使用 Wan 2.1 VAE）；仅 ComfyUI 可用。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="41"/>
        <source>Qwen-Image and Qwen-Image-Edit: the Wan 2.1-layout VAE with Qwen&apos;s fine-tuned decoder; ComfyUI only.</source>
        <translation>Qwen-Image 与 Qwen-Image-Edit：Wan 2.1 结构的 VAE，解码器经 Qwen 微调；仅 ComfyUI 可用。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="42"/>
        <source>HunyuanVideo 1.5: the 32-channel, 16x causal video VAE (encoder and decoder); ComfyUI only.</source>
        <translation>HunyuanVideo 1.5：32 通道、16 倍压缩的因果视频 VAE（含编码器和解码器）；仅 ComfyUI 可用。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="43"/>
        <source>HunyuanImage 2.1: the 64-channel, 32x image VAE of the base model; ComfyUI only.</source>
        <translation>HunyuanImage 2.1：基础模型的 64 通道、32 倍压缩图像 VAE；仅 ComfyUI 可用。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="44"/>
        <source>Mochi 1: Genmo&apos;s 12-channel video VAE (encoder and decoder); ComfyUI only.</source>
        <translation>Mochi 1：Genmo 的 12 通道视频 VAE（含编码器和解码器）；仅 ComfyUI 可用。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="45"/>
        <source>HunyuanVideo 1.0 (and FramePack): the 16-channel causal video VAE; ComfyUI only.</source>
        <translation>HunyuanVideo 1.0（及 FramePack）：16 通道因果视频 VAE；仅 ComfyUI 可用。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="46"/>
        <source>HunyuanImage 2.1 refiner: the 32-channel, 16x VAE the refiner model decodes with; ComfyUI only.</source>
        <translation>HunyuanImage 2.1 精修模型：精修模型解码所用的 32 通道、16 倍压缩 VAE；仅 ComfyUI 可用。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="47"/>
        <source>Cosmos 1.0: NVIDIA&apos;s 16-channel 8x8x8 video tokenizer; ComfyUI only.</source>
        <translation>Cosmos 1.0：NVIDIA 的 16 通道 8x8x8 视频分词器；仅 ComfyUI 可用。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="48"/>
        <source>Sana: MIT Han Lab&apos;s 32-channel, 32x deep-compression autoencoder in diffusers layout (for diffusers pipelines).</source>
        <translation>Sana：MIT Han Lab 的 32 通道、32 倍深度压缩自编码器，diffusers 结构（用于 diffusers 管线）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="49"/>
        <source>LTX-2: the 128-channel video VAE split out of the LTX-2 checkpoint (the official file carries it inside); ComfyUI only.</source>
        <translation>LTX-2：从 LTX-2 检查点中拆出的 128 通道视频 VAE（官方文件内置该 VAE）；仅 ComfyUI 可用。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="50"/>
        <source>Stable Cascade: the stage A VQGAN that turns stage B latents into pixels; ComfyUI&apos;s VAE loader.</source>
        <translation>Stable Cascade：把 B 阶段潜变量还原为像素的 A 阶段 VQGAN；由 ComfyUI 的 VAE 加载器加载。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="51"/>
        <source>Stable Cascade: the EfficientNet encoder for img2img into stage C latents (encoder only).</source>
        <translation>Stable Cascade：用于图生图、把图像编码为 C 阶段潜变量的 EfficientNet 编码器（仅编码器）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="52"/>
        <source>Stable Cascade: the small previewer that shows stage C latents as an image (decoder only).</source>
        <translation>Stable Cascade：把 C 阶段潜变量显示为图像的小型预览器（仅解码器）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="53"/>
        <source>FLUX.2: TAEF2 tiny decoder for instant live previews; not for final images.</source>
        <translation>FLUX.2：TAEF2 微型解码器，用于即时预览；不适合出最终成品。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="54"/>
        <source>Wan 2.1 / Qwen-Image: tiny video autoencoder for instant live previews; not for final videos.</source>
        <translation>Wan 2.1 / Qwen-Image：微型视频自编码器，用于即时预览；不适合出最终视频。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="55"/>
        <source>Wan 2.2 5B: tiny video autoencoder for instant live previews; not for final videos.</source>
        <translation>Wan 2.2 5B：微型视频自编码器，用于即时预览；不适合出最终视频。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="56"/>
        <source>HunyuanVideo 1.0: tiny video autoencoder for instant live previews; not for final videos.</source>
        <translation>HunyuanVideo 1.0：微型视频自编码器，用于即时预览；不适合出最终视频。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="57"/>
        <source>HunyuanVideo 1.5: tiny video autoencoder for instant live previews; not for final videos.</source>
        <translation>HunyuanVideo 1.5：微型视频自编码器，用于即时预览；不适合出最终视频。</translation>
    </message>
    <message>
        <location filename="../../app/gui/registry_text.py" line="58"/>
        <source>LTX-2: tiny video autoencoder for instant live previews; not for final videos.</source>
        <translation>LTX-2：微型视频自编码器，用于即时预览；不适合出最终视频。</translation>
    </message>
</context>
<context>
    <name>Reveal</name>
    <message>
        <location filename="../../app/gui/reveal.py" line="36"/>
        <source>No file manager</source>
        <translation>没有文件管理器</translation>
    </message>
    <message>
        <location filename="../../app/gui/reveal.py" line="37"/>
        <source>No file manager could be opened here. The path was copied to the clipboard:
{path}</source>
        <translation>此处无法打开文件管理器。路径已复制到剪贴板：
{path}</translation>
    </message>
</context>
<context>
    <name>TaskIndicator</name>
    <message>
        <location filename="../../app/gui/panels/task_panel.py" line="293"/>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/task_panel.py" line="312"/>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/task_panel.py" line="316"/>
        <source> (+{n} more)</source>
        <translation>（另有 {n} 个）</translation>
    </message>
</context>
<context>
    <name>TaskPanel</name>
    <message>
        <location filename="../../app/gui/panels/task_panel.py" line="200"/>
        <source>No background tasks. Scans, hashing, downloads, imports and previews show up here.</source>
        <translation>没有后台任务。扫描、哈希计算、下载、导入和预览会显示在这里。</translation>
    </message>
</context>
<context>
    <name>TaskRow</name>
    <message>
        <location filename="../../app/gui/panels/task_panel.py" line="83"/>
        <source>{done} of {total}</source>
        <translation>{done} / {total}</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/task_panel.py" line="91"/>
        <source>{eta} left</source>
        <translation>剩余 {eta}</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/task_panel.py" line="125"/>
        <location filename="../../app/gui/panels/task_panel.py" line="139"/>
        <location filename="../../app/gui/panels/task_panel.py" line="142"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/task_panel.py" line="139"/>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/task_panel.py" line="169"/>
        <source>cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/task_panel.py" line="174"/>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/task_panel.py" line="175"/>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/task_panel.py" line="176"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/task_panel.py" line="177"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/task_panel.py" line="179"/>
        <source>running</source>
        <translation>运行中</translation>
    </message>
</context>
<context>
    <name>VaeCard</name>
    <message>
        <location filename="../../app/gui/panels/vae_card.py" line="42"/>
        <source>Recommended</source>
        <translation>推荐</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/vae_card.py" line="55"/>
        <source>hash pinned</source>
        <translation>哈希已固定</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/vae_card.py" line="55"/>
        <source>hash not yet confirmed</source>
        <translation>哈希尚未确认</translation>
    </message>
    <message>
        <location filename="../../app/gui/panels/vae_card.py" line="57"/>
        <source>Which VAE should I use?</source>
        <translation>我该用哪个 VAE？</translation>
    </message>
</context>
</TS>
