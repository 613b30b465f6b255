/* Runs epubcheck over many files in one JVM (start-up costs more than a
 * check); prints epubcheck's own report for each. */
import com.adobe.epubcheck.tool.EpubChecker;
public class EpubBatch {
    public static void main(String[] args) {
        int bad = 0;
        for (String f : args) {
            System.out.println("== " + f);
            int rc = new EpubChecker().run(new String[] { f });
            if (rc != 0) bad++;
        }
        System.out.println("batch: " + args.length + " checked, " + bad + " failed");
    }
}
